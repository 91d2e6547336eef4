// The account password on the agent's first start, from standard input: typed at a terminal
// (no echo, so nobody reads it over the user's shoulder or in a screen recording) or piped in.

/**
 * EDGEDESK_PASSWORD, taken out of the environment: the commands the agent runs (loginctl,
 * the system-information probes) would otherwise inherit the account password.
 */
export function takeEnvPassword(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const password = env.EDGEDESK_PASSWORD;
  delete env.EDGEDESK_PASSWORD;
  return password;
}

/** Reads one line from `input`; at a terminal it prompts on `prompt` and echoes nothing. */
export async function readPassword(input: NodeJS.ReadStream = process.stdin, prompt: NodeJS.WriteStream = process.stderr): Promise<string> {
  return input.isTTY ? readAtTerminal(input, prompt) : readFirstLine(input);
}

/** The first line of a pipe or file, without its line ending. */
async function readFirstLine(input: NodeJS.ReadStream): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  input.destroy();
  return text.split(/\r?\n/)[0] ?? "";
}

/** Raw mode: each key arrives as typed and the terminal shows nothing; Enter ends, Ctrl+C aborts. */
function readAtTerminal(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  prompt.write("Password: ");
  input.setRawMode(true);
  input.setEncoding("utf8");
  input.resume();
  let typed = "";
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      prompt.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else if (ch >= " ") typed += ch;
      }
    };
    input.on("data", onData);
  });
}
