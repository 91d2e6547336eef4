// The agent's control channel: JSON text messages on the long-lived WebSocket between
// an agent and its computer's ComputerHub Durable Object (GET /api/agent/connect).
// Heartbeats are the plain text "ping", answered "pong" by the runtime's auto-response
// without waking the Durable Object.

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

export type AgentToHub = AgentHello;

/** Tells the agent to open a stream socket for one session. */
export type OpenStream = {
  type: "open-stream";
  sessionId: string;
  /** Absolute ws(s):// URL of the SessionRelay endpoint, ticket included. */
  url: string;
};

/** Tells the agent to close its stream for a session (ended from history, limits, ...). */
export type CloseStream = { type: "close-stream"; sessionId: string };

export type HubToAgent = OpenStream | CloseStream;

/** Close codes on the control socket. */
export const ControlCloseCode = {
  /** The agent's token is missing, invalid, or the computer was removed: do not retry with it. */
  Unauthorized: 4401,
  /** A newer control socket for the same computer replaced this one. */
  Replaced: 4409,
  /** A message that is not valid JSON of a known type. */
  ProtocolViolation: 4003,
} as const;

/** Largest control message accepted, in bytes. */
export const MAX_CONTROL_MSG_BYTES = 16 * 1024;
