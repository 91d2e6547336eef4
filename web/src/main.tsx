import { render } from "preact";
import { App } from "./app/app";
import { createModels } from "./app/models";
import { browserLanguage, rememberedLanguage, setLanguage } from "./i18n/i18n";
import { registerServiceWorker } from "./pwa/register";
import { CONNECT_PATH } from "./router/router";
import "./styles.css";
import "./responsive.css";

const root = document.getElementById("app")!;
// The connection window (/connect/<computer id>) is its own page in its own tab; its code is
// loaded only there, so the cabinet's initial bundle stays small.
const connect = CONNECT_PATH.exec(window.location.pathname);
if (connect) {
  // Opened from the cabinet in this browser: the language the cabinet showed last.
  void Promise.all([setLanguage(rememberedLanguage() ?? browserLanguage()), import("./viewer/ConnectionWindow")]).then(([, { ConnectionWindow }]) =>
    render(<ConnectionWindow computerId={connect[1]!} />, root),
  );
} else {
  // Signed out, the browser's language; the session check then switches to the profile's
  // (see i18n/user-language.ts) before anything of the cabinet is shown.
  void setLanguage(browserLanguage()).finally(() => render(<App models={createModels()} />, root));
}
// On every page, the connection window included: the worker only serves the precached shell
// (the viewer's chunk among it) and lets the session's WebSocket and /api calls through untouched.
registerServiceWorker();
