// The D1 schema. Migrations in migrations/ are generated from this file with
// `npm run db:generate` (drizzle-kit); they are the only way the schema changes.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch() * 1000)`;

/** Tariff plans (F8.1). Limits drive the Restricted and Disabled statuses (F2.7). */
export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  maxComputers: integer("max_computers").notNull(),
  maxConcurrentSessions: integer("max_concurrent_sessions").notNull(),
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased and trimmed; unique. */
    email: text("email").notNull(),
    /** "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" so the cost can be raised later. */
    passwordHash: text("password_hash").notNull(),
    /** pending until the first login with the e-mailed password (F1.1). */
    status: text("status", { enum: ["pending", "active"] }).notNull().default("pending"),
    /** Set while the password is the generated one that was e-mailed (F1.2). */
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(true),
    firstName: text("first_name").notNull().default(""),
    lastName: text("last_name").notNull().default(""),
    country: text("country").notNull().default(""),
    language: text("language").notNull().default(""),
    timeZone: text("time_zone").notNull().default(""),
    timeFormat: text("time_format", { enum: ["12h", "24h"] }).notNull().default("24h"),
    tourDone: integer("tour_done", { mode: "boolean" }).notNull().default(false),
    planId: text("plan_id").notNull().default("free").references(() => plans.id),
    createdAt: integer("created_at").notNull().default(now),
    activatedAt: integer("activated_at"),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

/** Signed-in browsers. Only a SHA-256 of the cookie token is stored, so a database leak yields no usable cookie. */
export const authSessions = sqliteTable(
  "auth_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    userAgent: text("user_agent").notNull().default(""),
    ip: text("ip").notNull().default(""),
  },
  (t) => [index("auth_sessions_user").on(t.userId)],
);

export const computers = sqliteTable(
  "computers",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    os: text("os", { enum: ["windows", "macos", "linux", "other"] }).notNull().default("other"),
    agentVersion: text("agent_version").notNull().default(""),
    /** Free-text group (F2.10); "" for none. */
    groupName: text("group_name").notNull().default(""),
    online: integer("online", { mode: "boolean" }).notNull().default(false),
    /** false when the agent runs without being installed (F2.7 "Not installed"). */
    installed: integer("installed", { mode: "boolean" }).notNull().default(false),
    publicAccess: integer("public_access", { mode: "boolean" }).notNull().default(false),
    allowNonAdminConfig: integer("allow_non_admin_config", { mode: "boolean" }).notNull().default(false),
    /** AES-GCM sealed remote OS credentials (F2.10); never returned to browsers. */
    credentialsSealed: text("credentials_sealed"),
    /** SHA-256 of the agent's long-lived secret; the agent proves itself with the secret. */
    agentSecretHash: text("agent_secret_hash"),
    publicIp: text("public_ip").notNull().default(""),
    city: text("city").notNull().default(""),
    country: text("country").notNull().default(""),
    /** JSON from the agent's system information collector (F2.8). */
    systemInfo: text("system_info"),
    screenshotKey: text("screenshot_key"),
    screenshotAt: integer("screenshot_at"),
    lastSeenAt: integer("last_seen_at"),
    lastConnectedAt: integer("last_connected_at"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull().default(now),
  },
  // By owner in the order computers were added: the list ranks each owner's computers that way
  // for the plan's limit (F2.7), and an index in that order saves SQLite the sort (the list's
  // SQL for 1,000 computers: ~7 -> ~3.5 ms). It also serves every look-up by owner.
  (t) => [index("computers_owner_added").on(t.ownerId, t.createdAt, t.id)],
);

/** A computer shared with another user (F2.11). */
export const shares = sqliteTable(
  "shares",
  {
    computerId: text("computer_id").notNull().references(() => computers.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.computerId, t.userId] }), index("shares_user").on(t.userId)],
);

/** Per-user favorites (F2.14): a favorite is the viewer's choice, not the computer's. */
export const favorites = sqliteTable(
  "favorites",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    computerId: text("computer_id").notNull().references(() => computers.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.userId, t.computerId] })],
);

/** Connection history (F5): one row per remote session, written at start and completed at end. */
export const remoteSessions = sqliteTable(
  "remote_sessions",
  {
    id: text("id").primaryKey(),
    computerId: text("computer_id").notNull().references(() => computers.id, { onDelete: "cascade" }),
    /** The viewer; null for a guest through a permalink or a support client. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    source: text("source", { enum: ["cabinet", "permalink", "support", "shared"] }).notNull(),
    viewerIp: text("viewer_ip").notNull().default(""),
    viewerAgent: text("viewer_agent").notNull().default(""),
    startedAt: integer("started_at").notNull().default(now),
    endedAt: integer("ended_at"),
    /** The viewer's sign-in (auth_sessions.token_hash) that started it: signing that browser out ends it. */
    signInHash: text("sign_in_hash"),
    /**
     * The computer's name when the session started: what the history shows a viewer who no
     * longer sees the computer (a share ended), instead of whatever the owner named it since.
     */
    computerName: text("computer_name").notNull().default(""),
  },
  (t) => [
    index("remote_sessions_computer").on(t.computerId, t.startedAt),
    index("remote_sessions_user").on(t.userId, t.startedAt),
    // The sessions still running: Connect counts them against the plan, revokes and removals
    // end them. Without it each count read every session a computer ever had.
    index("remote_sessions_live").on(t.computerId, t.endedAt).where(sql`${t.endedAt} IS NULL`),
  ],
);

/** Branding (F4), one per account. */
export const brandings = sqliteTable("brandings", {
  userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull().default(""),
  iconKey: text("icon_key"),
  subdomain: text("subdomain").unique(),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** Remote support connections (F3). */
export const supportConnections = sqliteTable(
  "support_connections",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    clientName: text("client_name").notNull(),
    code: text("code").notNull().unique(),
    status: text("status", { enum: ["pending", "active", "ended"] }).notNull().default("pending"),
    computerId: text("computer_id").references(() => computers.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("support_connections_user").on(t.userId, t.createdAt)],
);

/**
 * The local e-mail outbox behind /dev/mail. Only the "outbox" transport writes here;
 * production transports deliver and keep nothing.
 */
export const mailOutbox = sqliteTable("mail_outbox", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/** Password recovery links (F1.5): single use, expiring; only a SHA-256 of the token is kept. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("password_resets_user").on(t.userId)],
);

/** Social sign-in links (F1.3): which provider account belongs to which user. */
export const oauthAccounts = sqliteTable(
  "oauth_accounts",
  {
    provider: text("provider", { enum: ["google", "facebook"] }).notNull(),
    subject: text("subject").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** The address the provider gave when the identity was linked: how the user tells it apart ("" if none). */
    email: text("email").notNull().default(""),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index("oauth_accounts_user").on(t.userId)],
);

/**
 * Users with at least one cabinet tab listening for live events (F2.13), kept by their
 * AccountHub as tabs come and go. A change fans out to these users only: a computer seen by
 * every account (the demo) would otherwise ask every account's hub whether it has tabs.
 */
export const cabinetListeners = sqliteTable("cabinet_listeners", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  since: integer("since").notNull(),
});
