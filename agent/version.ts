/** Reported to the server at registration and in every hello. Bump with each release. */
export const AGENT_VERSION = "0.1.0";
