// A worker thread does not inherit tsx's loader from the bench process: register it, then
// load the TypeScript thread body (load-thread.ts).
import { register } from "tsx/esm/api";

register();
await import("./load-thread.ts");
