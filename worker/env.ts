import type { PlanRow } from "./queries/plans";
import type { UserRow } from "./queries/users";

/** The Hono environment every route sees: the Worker's bindings and per-request values. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Set by requireUser() for routes behind sign-in. */
    user: UserRow;
    /** Set with `user`: their plan. */
    plan: PlanRow;
    /** Set with `user`: the SHA-256 of the sign-in's token (auth_sessions.token_hash). */
    signIn: string;
  };
};
