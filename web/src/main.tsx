import { render } from "preact";
import { App } from "./app/app";
import { createModels } from "./app/models";
import { registerServiceWorker } from "./pwa/register";
import "./styles.css";
import "./responsive.css";

const root = document.getElementById("app")!;
// The connection window (/connect/<computer id>) is its own page in its own tab; its code is
// loaded only there, so the cabinet's initial bundle stays small.
const connect = /^\/connect\/([0-9a-f-]{36})\/?$/.exec(window.location.pathname);
if (connect) {
  void import("./viewer/ConnectionWindow").then(({ ConnectionWindow }) => render(<ConnectionWindow computerId={connect[1]!} />, root));
} else {
  render(<App models={createModels()} />, root);
}
// On every page, the connection window included: the worker only serves the precached shell
// (the viewer's chunk among it) and lets the session's WebSocket and /api calls through untouched.
registerServiceWorker();
