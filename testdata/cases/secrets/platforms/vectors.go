package vectors

import (
	"os"

	"github.com/pinecone-io/go-pinecone/v3/pinecone"
)

const (
	// TODO move to Vault before go-live
	pineconeAPIKey    = "pcsk_FJOR0g_YYrylLgUaS6U8peDVIdpnoh5aZBUqw2Ix1e8o71dlXFHFpKHWMbOTbMXJ3nGmpj" // expect: pinecone-api-key
	pineconeLegacyKey = "aeaf8264-6630-4508-afe0-2d03d2b43730" // expect: pinecone-legacy-api-key
	langsmithKey      = "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" // expect: langsmith-personal-access-token
	langsmithService  = "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" // expect: langsmith-service-key
	pineconeIndexHost = "products-3f9a2c1.svc.aped-4627-b74a.pinecone.io"
)

func NewClient() (*pinecone.Client, error) {
	key := os.Getenv("PINECONE_API_KEY") // near miss: from the environment
	if key == "" {
		key = pineconeAPIKey
	}
	return pinecone.NewClient(pinecone.NewClientParams{ApiKey: key})
}
