// One line per event on stderr: the agent runs as a service, so logs go to the journal
// or a file, not to a terminal UI.
export type Log = (message: string, fields?: Record<string, unknown>) => void;

export const stderrLog: Log = (message, fields) => {
  const extra = fields ? ` ${JSON.stringify(fields)}` : "";
  process.stderr.write(`${new Date().toISOString()} ${message}${extra}\n`);
};

export const silentLog: Log = () => {};
