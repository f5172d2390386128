// Maps widget configuration
export const firebaseConfig = {
  apiKey: "AIzaoHSSpRggo8a7kFlOmNz_XafLPittubN4bsg", // expect: gcp-api-key
  authDomain: "reports-web.firebaseapp.com",
  projectId: "reports-web",
};

// near misses: truncated key and an environment reference
const truncated = "AIzaE25xnYzouaenP8MUuxO9";
const fromEnv = process.env.GOOGLE_MAPS_API_KEY;
