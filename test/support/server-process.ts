import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, '.data', 'fault-build');
let built = false;

/** Compiles the server once per test file into .data/fault-build (not dist/, which `npm start` owns). */
export function buildServer(): string {
  if (!built) {
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'swc'),
      ['apps/api/src', 'libs', '-d', BUILD, '--config-file', '.swcrc', '--quiet'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    built = true;
  }
  return path.join(BUILD, 'apps', 'api', 'src', 'main.js');
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  /** Resolves once `workers` worker processes said they are listening (CM_WORKERS > 1). */
  ready: (workers: number) => Promise<void>;
}

/** Starts `node main.js` as a real process and waits until /healthz answers. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const main = buildServer();
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', CM_DEMO_SEED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 30 s:\n${output}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const ready = async (workers: number) => {
    const started = Date.now();
    // Each worker says it listens (Nest's own start-up lines are debug).
    while (new Set([...output.matchAll(/"pid":(\d+)[^\n]*listening on/g)].map((m) => m[1])).size < workers) {
      if (Date.now() - started > 60_000) throw new Error(`${workers} workers did not start within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { url, child, output: () => output, exited, ready };
}
