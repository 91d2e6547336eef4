// The agent command:
//   npm run agent -- --server http://localhost:8787 --email E --password-stdin [--name N]
//                    [--config PATH] [--display :N | --virtual] [--installed]
// The first start signs in and registers this computer; the identity is saved so
// later starts need only `npm run agent` (the server comes from the saved identity).
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { AgentRunner } from "./agent-runner";
import { type AgentIdentity, ConfigError, defaultConfigPath, loadIdentity, protectFor, saveIdentity } from "./control/config";
import { assertSecureServer, osName, registerAgent, ServerError } from "./control/register";
import { readMachineId } from "./control/machine-id";
import { stderrLog } from "./log";
import { readPassword, takeEnvPassword } from "./password-input";
import { loadDeflater } from "./native/deflate";
import { jpegAddonUnavailable } from "./native/jpeg";
import { addonError } from "./native/load";
import { rowHashesUnavailable } from "./native/row-hashes";
import type { ScreenSource } from "./screen/source";
import { VirtualSource } from "./screen/virtual-source";
import { platformSessionLock } from "./session-lock";
import { UnsupportedSessionLock } from "./session-lock/unsupported";
import { AGENT_VERSION } from "./version";

const USAGE = `Usage: npm run agent -- [options]
  --server URL      Edgedesk server (needed the first time)
  --email E         account e-mail (first start only)
  --password-stdin  read the account password from standard input (first start only);
                    or set EDGEDESK_PASSWORD
  --password P      the same on the command line, where other users of this computer
                    can read it while the agent starts (and in the parent's command line)
  --name N          computer name (default: host name)
  --config PATH     identity file (default: ${defaultConfigPath()})
  --display :N      X display on Linux (default: $DISPLAY)
  --virtual         serve a synthetic desktop instead of a real screen
  --installed       the agent runs as an installed service (set by the installer
                    or service unit; without it the computer shows "Not installed")
  --help`;

/** Exit codes a service manager or script can act on. */
const Exit = { Ok: 0, Usage: 64, SignIn: 77, Failure: 1 } as const;

class UsageError extends Error {}
/** The identity file belongs to another computer: signing in again makes this one its own. */
class CopiedIdentityError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
      name: { type: "string" },
      config: { type: "string" },
      display: { type: "string" },
      virtual: { type: "boolean", default: false },
      installed: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return Exit.Ok;
  }
  const log = stderrLog;
  if (args.password !== undefined) {
    // Whatever is on the command line is in /proc/<pid>/cmdline for every local user to read:
    // the process's title takes its place at once (the parent, e.g. npm, still shows it).
    process.title = "edgedesk-agent";
    log("--password on the command line is readable by other users of this computer; prefer --password-stdin or EDGEDESK_PASSWORD");
  }
  const envPassword = takeEnvPassword();
  // Read only when a sign-in needs it (a saved identity does not).
  const password = async () => args.password ?? (args["password-stdin"] ? await readPassword() : envPassword);
  const configPath = args.config ?? defaultConfigPath();
  const name = args.name ?? hostname();

  const installed = args.installed;
  const identity = await signIn({ server: args.server, email: args.email, password, name, configPath, installed });
  // An installed agent takes the file over from whoever created it (see protectFor).
  if (installed) await protectFor(configPath, identity, { installed });
  let runner: AgentRunner | undefined;
  let displayLost = false;
  const source = await openSource({
    virtual: args.virtual,
    display: args.display,
    onLost: () => {
      displayLost = true;
      runner?.stop();
    },
  });
  log("screen ready", { kind: source.kind, width: source.width, height: source.height });
  const noJpeg = jpegAddonUnavailable();
  if (noJpeg) log("no jpeg addon: JPEGs are encoded with sharp, at several times the CPU", { why: noJpeg });
  if (!loadDeflater()) log("no deflate addon: the stream is deflated in node:zlib's thread pool", { why: addonError("deflate", "deflate") });
  const noHashes = rowHashesUnavailable();
  if (noHashes) log("no row-hashes addon: the scroll search hashes rows in JavaScript, at more CPU on video", { why: noHashes });

  runner = new AgentRunner({
    identity,
    source,
    name,
    installed,
    configPath,
    sessionLock: args.virtual
      ? new UnsupportedSessionLock("virtual screen")
      : platformSessionLock({ display: args.display ?? process.env.DISPLAY, typer: source, log }),
    log,
  });
  // Every stop signal stops the agent the orderly way, the second as the first: a session's
  // relock of the OS may be under way, and a process killed meanwhile (a second Ctrl+C, the
  // terminal closing with SIGHUP) left the desktop unlocked.
  const stop = () => runner?.stop();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  const why = await runner.run();
  await source.close();
  if (displayLost) {
    process.stderr.write("Lost the display; exiting so the service manager can restart the agent.\n");
    return Exit.Failure;
  }
  if (why === "unauthorized") {
    process.stderr.write(
      `The server no longer accepts this computer's token. Sign in again:\n` +
        `  npm run agent -- --server ${identity.server} --email E --password-stdin\n`,
    );
    return Exit.SignIn;
  }
  if (why === "replaced") {
    process.stderr.write("Another agent with this identity connected, so this one stopped.\n");
    return Exit.Failure;
  }
  return Exit.Ok;
}

/**
 * The saved identity when it belongs to the requested server; otherwise registers with
 * the given credentials and saves the result.
 */
async function signIn(o: {
  server?: string;
  email?: string;
  password: () => Promise<string | undefined>;
  name: string;
  configPath: string;
  installed: boolean;
}): Promise<AgentIdentity> {
  const saved = await loadIdentity(o.configPath);
  const server = o.server ? new URL(o.server).origin : saved?.server;
  if (!server) throw new UsageError("No saved identity: give --server, --email and --password-stdin to sign in.");
  // A saved identity too: its token goes to the server on every connect.
  assertSecureServer(server);
  const machineId = await readMachineId();
  const copied = !!saved?.machineId && !!machineId && saved.machineId !== machineId;
  if (saved && saved.server === server && !copied) {
    // Files from before the machine id was recorded take this computer's (best effort: one
    // this user may read but not rewrite still runs, as it did).
    if (machineId && !saved.machineId) {
      await saveIdentity(o.configPath, { ...saved, machineId }, { installed: o.installed }).catch((err: unknown) => {
        if (err instanceof ConfigError) throw err;
        stderrLog("could not record this computer's machine id in the identity file", { config: o.configPath, error: String(err) });
      });
    }
    return { ...saved, ...(machineId ? { machineId } : {}) };
  }
  if (copied && !o.email) {
    throw new CopiedIdentityError(
      `${o.configPath} was made on another computer (a copied disk or VM image?): this computer would take turns with it as one. ` +
        `Sign in to link this one as a computer of its own:\n  npm run agent -- --server ${server} --config ${o.configPath} --email E --password-stdin`,
    );
  }
  const password = o.email ? await o.password() : undefined;
  if (!o.email || !password) throw new UsageError(`Not signed in to ${server}: give --email and --password-stdin.`);
  const { computerId, agentToken } = await registerAgent(server, {
    email: o.email,
    password,
    name: o.name,
    os: osName(),
    agentVersion: AGENT_VERSION,
    installed: o.installed,
  });
  const identity: AgentIdentity = { server, computerId, agentToken, ...(machineId ? { machineId } : {}) };
  await saveIdentity(o.configPath, identity, { installed: o.installed });
  stderrLog("registered this computer", { server, computerId, config: o.configPath });
  return identity;
}

async function openSource(o: { virtual: boolean; display?: string; onLost: () => void }): Promise<ScreenSource> {
  if (o.virtual) return new VirtualSource();
  if (process.platform === "linux") {
    // Backends load lazily: each pulls in platform code (an X client, native binaries).
    const { openX11Source } = await import("./screen/x11-source");
    return openX11Source({ display: o.display, log: stderrLog, onLost: o.onLost });
  }
  if (process.platform === "win32" || process.platform === "darwin") {
    const { openNativeSource } = await import("./screen/native-source");
    return openNativeSource({ log: stderrLog });
  }
  throw new UsageError(`No screen backend for ${process.platform}; run with --virtual.`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
      process.exit(Exit.Usage);
    }
    if (err instanceof CopiedIdentityError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(Exit.SignIn);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(Exit.Failure);
    }
    if (err instanceof ServerError) {
      process.stderr.write(`Sign-in failed: ${err.message}\n`);
      process.exit(err.status === 401 || err.status === 403 ? Exit.SignIn : Exit.Failure);
    }
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(Exit.Failure);
  },
);
