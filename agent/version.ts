/** Reported to the server at registration and in every hello. Bump with each release. */
// 0.2.0: takes the viewer's Quality (0x87) and Clipboard (0x88) messages and sends the remote
// clipboard (0x03); viewers send those only to agents at 0.2.0 or later (protocol/stream.ts).
export const AGENT_VERSION = "0.2.0";
