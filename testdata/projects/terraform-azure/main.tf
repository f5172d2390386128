data "azuread_client_config" "current" {}

data "azurerm_subscription" "primary" {}

resource "azuread_application" "api" {
  display_name = "orders-api"
  owners       = [data.azuread_client_config.current.object_id]
}

resource "azuread_service_principal" "api" {
  client_id = azuread_application.api.client_id
}

resource "azuread_application_password" "api" {
  application_id = azuread_application.api.id
  display_name   = "ci"
}

resource "azurerm_user_assigned_identity" "deployer" {
  name                = "deployer"
  resource_group_name = "rg-platform"
  location            = "westeurope"
  tags = {
    owner = "team-platform"
  }
}

resource "azurerm_role_assignment" "deployer_contributor" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Contributor"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
}

resource "azurerm_user_assigned_identity" "reader" {
  name                = "reader"
  resource_group_name = "rg-reports"
  location            = "westeurope"
  tags = {
    owner = "team-reports"
  }
}

resource "azurerm_role_assignment" "reader" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-reports"
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.reader.principal_id
}
