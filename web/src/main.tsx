import { render } from "preact";
import { App } from "./app/app";
import { createModels } from "./app/models";
import "./styles.css";

const root = document.getElementById("app")!;
// The connection window (/connect/<computer id>) is its own page in its own tab; its code is
// loaded only there, so the cabinet's initial bundle stays small.
const connect = /^\/connect\/([0-9a-f-]{36})\/?$/.exec(window.location.pathname);
if (connect) {
  void import("./viewer/ConnectionWindow").then(({ ConnectionWindow }) => render(<ConnectionWindow computerId={connect[1]!} />, root));
} else {
  render(<App models={createModels()} />, root);
}
