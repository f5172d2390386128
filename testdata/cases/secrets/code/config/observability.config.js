// Observability and cloud settings of the checkout service (camelCase keys, as in most JS configs).
module.exports = {
  ddApiKey: 'eee65f53e9421ce50211670eae679f02', // expect: datadog-api-key
  ddAppKey: 'e8d28a79023c39c200661fccd268a29a0d347301', // expect: datadog-application-key
  esApiKey: 'DZFlRJmCGmUXiAPyhzAnar3ZLt4bnlz2MPKgcjnC==', // expect: elastic-api-key
  lsAccessToken: 'qaXNv1syeefnLOpaMxxNDi9LE1Ki3ylOjt6o0NpUmkVO8JmR8y4EMfAdggcG9qpVTzqA05MFsHl7UeioEJP2', // expect: lightstep-access-token
  cfApiToken: 'jJBAciI05FhfwKVqlUr5Qrec8TNecj9iNOrjj5Vf', // expect: cloudflare-api-token
  cfApiKey: '4ab2f2d0f0cc022238daceee2092f073ff80b', // expect: cloudflare-global-api-key
  icApiKey: 'MszvR4-EPZGz3zBXCOArr-SfiJvo58JB0W-O5PjeJfJT', // expect: ibm-cloud-api-key
  coApiKey: 'tPYKbPizDmbX1rpXjYdOhCgOIPOZx9eRmm0EqlTa', // expect: cohere-api-key
  mcliPrivateApiKey: 'f1578b5c-72dc-44ee-a60c-aea63367c29a', // expect: mongodb-atlas-api-private-key
  adoToken: 'qbwfc4v2r7bne3clvi6j47fo4skqtyntjr7m2haybczh7fke52zr', // expect: azure-devops-pat
  // near misses: a method named like the key, a reference
  addApiKey: (k) => keys.push(k),
  ddApiKeyFromEnv: process.env.DD_API_KEY,
};
