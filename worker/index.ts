import { app } from "./app";

export { AccountHub } from "../durable-objects/account-hub";
export { ComputerHub } from "../durable-objects/computer-hub";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { SessionRelay } from "../durable-objects/session-relay";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
