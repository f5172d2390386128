# Subscription RBAC and app credentials for the deployment pipeline.

data "azurerm_subscription" "primary" {}
data "azurerm_client_config" "current" {}

data "azurerm_role_definition" "owner" {
  name = "Owner"
}

resource "azurerm_user_assigned_identity" "deployer" {
  name                = "deployer"
  location            = azurerm_resource_group.ci.location
  resource_group_name = azurerm_resource_group.ci.name
  tags                = { owner = "team-platform" }
}

resource "azurerm_role_assignment" "deployer_contributor" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Contributor" # expect: azure-privileged-role-at-broad-scope
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "deployer_uaa" {
  scope                = "/subscriptions/${data.azurerm_client_config.current.subscription_id}"
  role_definition_id   = "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" # expect: azure-privileged-role-at-broad-scope
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "platform_owner" {
  scope                = "/providers/Microsoft.Management/managementGroups/platform"
  role_definition_name = "Owner" # expect: azure-privileged-role-at-broad-scope
  principal_id         = azuread_service_principal.platform.object_id
}

resource "azurerm_role_assignment" "rg_owner" {
  scope                = azurerm_resource_group.app.id
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "unknown_scope" {
  scope                = var.assignment_scope
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_role_assignment" "sub_reader" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_pim_active_role_assignment" "ops_standing" {
  scope              = data.azurerm_subscription.primary.id
  role_definition_id = "${data.azurerm_subscription.primary.id}${data.azurerm_role_definition.owner.id}" # expect: azure-privileged-role-at-broad-scope
  principal_id       = azuread_service_principal.ops.object_id
  justification      = "ops automation"
}

resource "azurerm_pim_active_role_assignment" "ops_eight_hours" {
  scope              = data.azurerm_subscription.primary.id
  role_definition_id = "${data.azurerm_subscription.primary.id}${data.azurerm_role_definition.owner.id}"
  principal_id       = azuread_service_principal.ops.object_id
  schedule {
    expiration {
      duration_hours = 8
    }
  }
  justification = "incident response"
}

resource "azurerm_role_definition" "runner" {
  name  = "automation-runner"
  scope = data.azurerm_subscription.primary.id
  permissions {
    actions     = ["*"] # expect: azure-custom-role-all-actions
    not_actions = ["Microsoft.Authorization/*/Delete"]
  }
  assignable_scopes = [data.azurerm_subscription.primary.id]
}

resource "azurerm_role_definition" "web_ops" {
  name  = "web-ops"
  scope = data.azurerm_subscription.primary.id
  permissions {
    actions = ["Microsoft.Web/sites/read", "Microsoft.Web/sites/restart/action"]
  }
}

# Entra ID application secrets
resource "azuread_application_password" "ci" { # expect: azure-app-password-long-lived
  application_id = azuread_application.ci.id
  display_name   = "ci"
}

resource "azuread_application_password" "ci_yearly" {
  application_id = azuread_application.ci.id
  start_date     = "2025-01-01T00:00:00Z"
  end_date       = "2026-01-01T00:00:00Z" # expect: azure-app-password-long-lived
}

resource "azuread_service_principal_password" "legacy" {
  service_principal_id = azuread_service_principal.legacy.id
  end_date_relative    = "17520h" # expect: azure-app-password-long-lived
}

resource "azuread_application_password" "monthly" {
  application_id    = azuread_application.ci.id
  end_date_relative = "720h"
}

resource "azuread_application_password" "absolute" {
  application_id = azuread_application.ci.id
  end_date       = "2030-01-01T00:00:00Z"
}

resource "azuread_application_password" "rotated" {
  application_id      = azuread_application.ci.id
  end_date            = time_rotating.monthly.rotation_rfc3339
  rotate_when_changed = { rotation = time_rotating.monthly.id }
}
