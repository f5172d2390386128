package sms

import (
	"net/http"
	"net/url"
	"strings"
)

const (
	accountSID   = "AC81587f4ea5749d00d74b9ef5e3964f77"
	apiKeySID    = "SKd3f5db069b919c2c566abec161b426ba" // expect: twilio-api-key
	twilioSecret = "pOq2PyYKZmfIpusruZGinSxmhgxkNKrU" // expect: twilio-api-key-secret
	twilioAuthToken = "cc8921621a59a0accfe417b677605210" // expect: twilio-auth-token
	// Legacy callback URL embedding the account credentials.
	callbackURL = "https://ACc1340ebb7aeaba248f770ebe15a6e1d5:3f83c1ebfcf7a5b1681108708823014f@api.twilio.com/2010-04-01/Accounts" // expect: twilio-account-credentials
	// near misses
	docsKey     = "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	shortSID    = "SKfe903d88a609b41ec77f"
)

// Send posts an SMS through the Twilio REST API.
func Send(to, body string) error {
	form := url.Values{"To": {to}, "From": {"+15005550006"}, "Body": {body}}
	req, err := http.NewRequest("POST", "https://api.twilio.com/2010-04-01/Accounts/"+accountSID+"/Messages.json", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.SetBasicAuth(apiKeySID, twilioSecret)
	_, err = http.DefaultClient.Do(req)
	return err
}
