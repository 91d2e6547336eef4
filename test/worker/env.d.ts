// Bindings that only the test configuration (vitest.config.mts) adds.
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Port of the real SMTP server that the global setup runs on 127.0.0.1. */
      SMTP_TEST_PORT: string;
      /** Port of the HTTP endpoint that lists what that SMTP server received. */
      SMTP_TEST_INBOX_PORT: string;
      /** Control endpoint of the local OpenID Connect server: POST the next identity. */
      OIDC_TEST_CONTROL_PORT: string;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    smtpPort: number;
    smtpInboxPort: number;
    oidcPort: number;
    oidcControlPort: number;
  }
}
