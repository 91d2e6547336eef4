import type { UserRow } from "./queries/users";

/** The Hono environment every route sees: the Worker's bindings and per-request values. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Set by requireUser() for routes behind sign-in. */
    user: UserRow;
  };
};
