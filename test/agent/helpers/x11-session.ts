// One stream session of an X display to a reference viewer: the X11 source, the local
// WebSocket server standing in for the relay, the session, and a canvas at the screen's size.
import { openX11Source, type X11Source, type X11SourceOptions } from "../../../agent/screen/x11-source";
import { StreamSession } from "../../../agent/stream/stream-session";
import { Canvas } from "./compose";
import { startViewerServer, type Viewer, type ViewerServer } from "./viewer";

export type X11Stream = { source: X11Source; server: ViewerServer; session: StreamSession; viewer: Viewer; canvas: Canvas };

export async function streamX11(options: X11SourceOptions & { display: string }): Promise<X11Stream> {
  const source = await openX11Source(options);
  const server = await startViewerServer();
  const session = new StreamSession({ url: server.url, source });
  const viewer = await server.connection;
  return { source, server, session, viewer, canvas: new Canvas(source.width, source.height) };
}

/** Ends the session, then its server and source; parts never started are skipped. */
export async function closeX11Stream(s: Partial<X11Stream>): Promise<void> {
  s.session?.close();
  await s.server?.close();
  await s.source?.close();
}
