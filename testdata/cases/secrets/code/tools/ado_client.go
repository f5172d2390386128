package tools

import (
	"context"
	"os"

	"github.com/microsoft/azure-devops-go-api/azuredevops/v7"
)

// defaultPAT was used by the migration job. TODO: remove.
const defaultPAT = "oInG83q8Lb2Eg2u9r5cnPhLUPtfXIE7Z0NlSy9BZj2HPBM00HEncJQQJ99gCDbmMePEGjQcpfaPCAZDOXALK" // expect: azure-devops-pat-v2

const orgURL = "https://dev.azure.com/acme"

// Connect opens an Azure DevOps connection with the PAT from the environment.
func Connect(ctx context.Context) *azuredevops.Connection {
	pat := os.Getenv("AZURE_DEVOPS_EXT_PAT")
	if pat == "" {
		pat = defaultPAT
	}
	return azuredevops.NewPatConnection(orgURL, pat)
}
