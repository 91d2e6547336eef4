// Worker and Durable Object tests, run inside workerd by the Workers vitest pool against
// the real migrations on a real local D1.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Google and Facebook both pointed at the local OpenID Connect server from the global setup. */
function oauthProviders(port: number): Record<string, string> {
  const base = `http://127.0.0.1:${port}`;
  const out: Record<string, string> = {};
  for (const p of ["GOOGLE", "FACEBOOK"]) {
    out[`OAUTH_${p}_CLIENT_ID`] = `edgedesk-test-${p.toLowerCase()}`;
    out[`OAUTH_${p}_CLIENT_SECRET`] = "test-secret";
    out[`OAUTH_${p}_AUTHORIZE_URL`] = `${base}/authorize`;
    out[`OAUTH_${p}_TOKEN_URL`] = `${base}/token`;
    out[`OAUTH_${p}_USERINFO_URL`] = `${base}/userinfo`;
  }
  return out;
}

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url))),
          DEV_MODE: "true",
          // Every test comes from one client address; the limit's own test sets one.
          MAIL_REQUESTS_PER_IP_PER_HOUR: "0",
          SMTP_TEST_PORT: String(inject("smtpPort")),
          SMTP_TEST_INBOX_PORT: String(inject("smtpInboxPort")),
          OIDC_TEST_CONTROL_PORT: String(inject("oidcControlPort")),
          ...oauthProviders(inject("oidcPort")),
        },
      },
    })),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    setupFiles: ["./test/worker/setup.ts"],
    globalSetup: ["./test/worker/smtp-server.global.ts", "./test/worker/oidc-server.global.ts"],
  },
});
