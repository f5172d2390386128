import Stripe from "stripe";
import { Client, Environment } from "square";

// FIXME(billing): these were pasted from the dashboard during the incident, remove before merge
const stripe = new Stripe("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", { apiVersion: "2024-06-20" }); // expect: stripe-secret-key
const reportingStripe = new Stripe("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"); // expect: stripe-restricted-key
const ciStripe = new Stripe("sk_test_51E8W2jtfEzNAMNwcjBQcx820DDJYXYV31YdjdCwn1tPNgNJLDIIHdc3XWgtjlJBRJXjCHcklF3yhijIVhN2blpShZOv2vwIf6F"); // expect: stripe-test-secret-key
const endpointSecret = "whsec_3nLtdBXkDca16r9ohA9B4a70aH4cLuet"; // expect: stripe-webhook-secret

const square = new Client({
  accessToken: "EAAAPQIJpqixUF1GTmlSNU45j0WNv_AZ5sZko7UrFhp6S2Ospkbet6BrApjYCffk", // expect: square-access-token
  environment: Environment.Production,
});
const squareLegacyToken = "sq0atp-WilxH-L7es1CpvWGbw04M2"; // expect: square-legacy-access-token
const squareOauthSecret = "sq0csp-cVhX5FVxAAoGCUer6bL5vWdKau2oeD1PnQswDRFtJiX"; // expect: square-oauth-secret

// near misses: publishable keys are meant for browsers, the rest are references or stubs
const publishable = "pk_live_511vk84SNr5O62GOhJXrNIK82seZ0G2BiKLDRyzYVruSp1ASHe77rqSoPnRo70aXcqW0xPxUTMBSwvxUoHlhQL0fqgEzkVVrEJy";
const fromEnv = process.env.STRIPE_SECRET_KEY ?? "sk_live_...";
const squareAppId = "sq0idp-3NCgxjeKwgdsus1Q75CxTG";
const testStub = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx";

export async function charge(amount: number, customer: string) {
  return stripe.paymentIntents.create({ amount, currency: "eur", customer });
}

export function verify(payload: string, header: string) {
  return stripe.webhooks.constructEvent(payload, header, endpointSecret);
}
