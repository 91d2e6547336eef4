// The agent's control channel: JSON text messages on the long-lived WebSocket between
// an agent and its computer's ComputerHub Durable Object (GET /api/agent/connect).
// Heartbeats are the plain text "ping", answered "pong" by the runtime's auto-response
// without waking the Durable Object.

import type { SystemInfo } from "./api";

export const HEARTBEAT_PING = "ping";
export const HEARTBEAT_PONG = "pong";

/** Sent by the agent right after the socket opens, and whenever these facts change. */
export type AgentHello = {
  type: "hello";
  name: string;
  os: "windows" | "macos" | "linux" | "other";
  agentVersion: string;
  /** false when the agent runs without being installed (status "Not installed"). */
  installed: boolean;
  screen: { width: number; height: number };
};

/**
 * System information (F2.8), sent after the hello and again whenever it changes (not on a
 * timer: the hub writes it to D1). The shape is the API's SystemInfo schema.
 */
export type { SystemInfo };

export type AgentSystemInfo = { type: "system-info"; info: SystemInfo };

export type AgentToHub = AgentHello | AgentSystemInfo;

/**
 * A screenshot thumbnail (F2.6), once a minute while the agent runs: a BINARY control
 * message whose first byte is SCREENSHOT_MSG and the rest a WebP image of at most
 * MAX_SCREENSHOT_BYTES, at most 480 px wide. The hub stores it in R2.
 */
export const SCREENSHOT_MSG = 0x01;
export const MAX_SCREENSHOT_BYTES = 256 * 1024;
export const SCREENSHOT_INTERVAL_MS = 60_000;

/** Tells the agent to open a stream socket for one session. */
export type OpenStream = {
  type: "open-stream";
  sessionId: string;
  /**
   * Path and query of the SessionRelay endpoint, ticket included ("/api/stream/agent?ticket=...").
   * The agent resolves it against the server it is connected to: a deployment reached by more
   * than one host name (workers.dev and a custom domain, localhost and 127.0.0.1) would
   * otherwise name a host the agent refuses, and a stream never goes to another host.
   */
  path: string;
  /**
   * F2.10: the remote OS account to sign in to for this session, when the owner stored
   * one. Sent only with a session and never stored by the agent. When the session ends the
   * agent locks the account again only if it was locked when the session began.
   */
  signIn?: { username: string; password: string };
};

/** Tells the agent to close its stream for a session (ended from history, limits, ...). */
export type CloseStream = { type: "close-stream"; sessionId: string };

/** Settings the owner changes in the cabinet that the agent enforces (F2.10). */
export type AgentSettings = {
  type: "settings";
  /** Whether users of the remote computer without administrator rights may change the agent's settings or quit it. */
  allowNonAdminConfig: boolean;
  /**
   * Whether text copied on the remote computer goes to the viewers' clipboards (F6.3); absent:
   * unchanged (true until told). False for the demo computer: it is shared with every account,
   * and what one account copies there must not land in strangers' clipboards. Sent at connect.
   */
  clipboardToViewers?: boolean;
};

export type HubToAgent = OpenStream | CloseStream | AgentSettings;

/** The longest open-stream path the agent follows (a ticket is a few hundred bytes). */
export const MAX_STREAM_PATH = 4096;

/** Close codes on the control socket. */
export const ControlCloseCode = {
  /** The agent's token is missing, invalid, or the computer was removed: do not retry with it. */
  Unauthorized: 4401,
  /** A newer control socket for the same computer replaced this one. */
  Replaced: 4409,
  /** A message that is not valid JSON of a known type. */
  ProtocolViolation: 4003,
  /** More connects for this computer in a minute than an agent makes: retry later (with backoff). */
  TooManyConnects: 4429,
} as const;

/** Largest control message accepted, in bytes. */
export const MAX_CONTROL_MSG_BYTES = 64 * 1024;
