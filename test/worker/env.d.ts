declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Port of the real SMTP server that the global setup runs on 127.0.0.1. */
    SMTP_TEST_PORT: string;
    /** Port of the HTTP endpoint that lists what that SMTP server received. */
    SMTP_TEST_INBOX_PORT: string;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    smtpPort: number;
    smtpInboxPort: number;
  }
}
