import { App } from "octokit";

// Credentials pasted while debugging the installation flow.
const installationToken = "ghs_VPjciTC2MWbNjyNRuOFxv5o8U2v8y53QZs3r"; // expect: github-server-to-server-token
const userToken = "ghu_ECSPNjpCJRp3dtpriC8Umvc6QjkEGi2mf1CI"; // expect: github-user-to-server-token
const refreshToken = "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"; // expect: github-refresh-token

export const config = {
  appId: 412377,
  clientId: "Iv1.5c2e8b17d0a94f36",
  githubClientSecret: "85c33abca07e59d009b3110371abe6da0bf4d5fd", // expect: github-oauth-client-secret
  webhookSecret: process.env.GITHUB_WEBHOOK_SECRET,
};

// near misses
const prefix = "ghs_";
const fromEnv = process.env.GITHUB_CLIENT_SECRET ?? "";
const githubClientId = "f226dd444f143fdc5b4079534b90d3d9ae8930b4";

export function app(): App {
  return new App({ appId: config.appId, privateKey: process.env.GITHUB_APP_KEY ?? "" });
}
