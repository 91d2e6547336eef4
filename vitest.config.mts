// Worker and Durable Object tests, run inside workerd by the Workers vitest pool against
// the real migrations on a real local D1.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url))),
          DEV_MODE: "true",
          SMTP_TEST_PORT: String(inject("smtpPort")),
          SMTP_TEST_INBOX_PORT: String(inject("smtpInboxPort")),
        },
      },
    })),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    setupFiles: ["./test/worker/setup.ts"],
    globalSetup: ["./test/worker/smtp-server.global.ts"],
  },
});
