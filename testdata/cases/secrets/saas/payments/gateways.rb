# config/initializers/payment_gateways.rb
require "braintree"
require "adyen-ruby-api-library"

Braintree::Configuration.environment = :production
Braintree::Configuration.merchant_id = "jbng4l68hqevq0ds"
Braintree::Configuration.public_key = "wuzuz07gccemijpn"
Braintree::Configuration.private_key = "d21845868b948f69bed6e319b77a685d" # expect: braintree-private-key

PAYPAL_GATEWAY = Braintree::Gateway.new(access_token: "access_token$production$ih4vr3qc60b86dxh$34c940d56e94e72e23341b6867b19395") # expect: braintree-access-token
PAYPAL_SANDBOX = Braintree::Gateway.new(access_token: "access_token$sandbox$tl94fnn47md7awtd$0ae0547879d5b5602f327c7009b9a3dc") # expect: braintree-sandbox-access-token
PAYPAL_CLIENT_SECRET = "E7aAIbrUp-WVRqLvp-yMi7u1zK7OorCDIBmR0XD9my2pYpR9bUFK-F3GHOaoooECXLa-zecB9ellZel9" # expect: paypal-client-secret

ADYEN = Adyen::Client.new
ADYEN.api_key = "AQE/NcXjTFWKH5UHu9oyCER5EhLTvoSJOThdGYoDpDa1NltgHykifdpaD1JTOLfm2WOE84u64+K4ryJG61lOSAcbgOCBKN8ZyFLAtjQr646gzNUIkFK/BM25Qi+-d3w3a3WGuD86SlNXkgUp+HYD9v28HwidYd9sENrHPWE=-j6rQcCsy2[JkNEOeDDy!" # expect: adyen-api-key
ADYEN_CLIENT_KEY = "live_Z2TF7MOJPRJ2UW39A4GFDOPKIAE98FD9" # expect: adyen-client-key
ADYEN_HMAC_KEY = "7338765F11B67935F5BCE0F4CF00BF99D4ACE4175CE2A451EA52542EFC9E7066" # expect: adyen-hmac-key
ADYEN.env = :live

# near misses
BRAINTREE_PRIVATE_KEY_FROM_ENV = ENV.fetch("BRAINTREE_PRIVATE_KEY")
ADYEN_ENVIRONMENT = "live_EU"
PAYPAL_CLIENT_ID = "ATImm_Vl_03q4YMdfai2D97_DrhjHc25Xj36ZwPedzk9L4JghuwjObcF6QCzozbMRVfiRincOA5WoHv7"
