# Service principal for the platform pipeline (legacy secret, pre-Q~ format)
arm_client_id       = "6ac17af0-703b-44ad-9f3a-eb0e7470a259"
arm_client_secret   = "2GT2X@AeGdb@u[[lsjTtTG[d4]W6WWpw" # expect: azure-client-secret-assignment
arm_subscription_id = "2badc783-0f95-466a-a299-e1e4bdf3a9e4"
arm_tenant_id       = "91bb1bec-5fd4-4e94-8082-b62814334fab"

storage_account_key = "bo3PqOKPhjPSyLy+vzmpOWZLmFDhLksi7yAgJ3nVqJQwrweLxwIc3S9aU0tc8DoWUuMCVZtQOVwLu1BG2dOGCw==" # expect: azure-storage-account-key
cosmos_primary_key  = "/7o8OuZm1GqEFiGS7p2IHjVWw+R2pgxn4cwGmXZPdDZ5xvKPtD9iILOD3PekMoZgcLm0cAfRv0x8bUx8v0urBQ==" # expect: azure-cosmosdb-key

# near misses
client_secret       = "kj1tKf7oRs6Xf6pgckCp0xsSni2j6Sd6"
use_oidc            = true
