// Every error code the API can answer with has a sentence of its own in the web app, so a
// German user never reads the server's English one. (invalid_input is translated sentence by
// sentence instead: web/src/api/client.ts.)
import { describe, expect, it } from "vitest";
import { en } from "../../web/src/i18n/en";
import { ERROR_CODES } from "../../worker/errors";

describe("error codes and the web app's catalog", () => {
  it("has a sentence for every code the API can send", () => {
    const missing = ERROR_CODES.filter((code) => code !== "invalid_input" && !(code in en.apiErrors.byCode));
    expect(missing).toEqual([]);
  });
});
