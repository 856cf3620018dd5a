import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Podman for the container suites (test/deploy/*.deploy-spec.ts, `npm run test:deploy`): the way this machine runs
 * it (no systemd, cgroupfs, the host's network), the local base image, and the project's image built once.
 */
export const ROOT = join(__dirname, '..', '..');
/** The image the suites build and run (one build; the compose suite reuses it). */
export const IMAGE = 'localhost/concurrency-monitor:test';
/** package.json's version: the image's version label. */
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Containerfile's BASE for the test build: made without a registry by local-base.sh (kept in the podman store). */
export const BASE = process.env.CM_TEST_IMAGE_BASE ?? 'localhost/cm-test-base:bookworm-node22';
/**
 * Size budget of the image: what the project adds to its base (built server and console, production
 * node_modules, tini). Today about 400 MB, of which 240 MB are the IP geolocation databases (@ip-location-db).
 */
export const IMAGE_BUDGET_BYTES = 450 * 1024 * 1024;

/** containers.conf for a machine without systemd and without per-container ulimits. */
function containersConf(): string {
  if (process.env.CONTAINERS_CONF) return process.env.CONTAINERS_CONF;
  const dir = join(tmpdir(), 'cm-podman');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'containers.conf');
  writeFileSync(file, '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\n');
  return file;
}

export const PODMAN_ENV = { ...process.env, CONTAINERS_CONF: containersConf() };
export const RUNTIME = ['--runtime', 'runc'];

/** Runs podman; throws with its output when it fails. */
export function podman(args: string[], options: { timeoutMs?: number; input?: string } = {}): string {
  const run = spawnSync('podman', args, {
    env: PODMAN_ENV,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`podman ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** Why podman cannot run here (not installed, or no working engine), or undefined when it can. */
export function podmanUnavailable(): string | undefined {
  try {
    podman(['info', '--format', '{{.Host.OCIRuntime.Name}}'], { timeoutMs: 60_000 });
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return e.code === 'ENOENT'
      ? 'podman is not installed (Debian: apt-get install podman runc)'
      : `podman does not work here: ${e.message}`;
  }
}

let baseReady = false;
/** Makes the local base image unless the podman store has it (test/deploy/local-base.sh). */
export function ensureBase(): void {
  if (baseReady || process.env.CM_TEST_IMAGE_BASE) return;
  execFileSync(join(__dirname, 'local-base.sh'), [BASE], {
    env: PODMAN_ENV,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 20 * 60_000,
  });
  baseReady = true;
}

let built = false;
/** Builds the project's image from the work tree (cached layers make a second build quick). */
export function buildImage(): void {
  if (built) return;
  ensureBase();
  const revision = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
  podman(
    [
      'build',
      ...RUNTIME,
      '--network',
      'host',
      '--format',
      'docker', // keeps HEALTHCHECK
      '--file',
      join(ROOT, 'Containerfile'),
      '--build-arg',
      `BASE=${BASE}`,
      '--build-arg',
      `VERSION=${VERSION}`,
      '--build-arg',
      `REVISION=${revision}`,
      '--tag',
      IMAGE,
      ROOT,
    ],
    { timeoutMs: 40 * 60_000 },
  );
  built = true;
}

export function imageSize(image: string): number {
  return Number(podman(['image', 'inspect', '--format', '{{.Size}}', image]).trim());
}

/** A free TCP port on 127.0.0.1 (the containers share the host's network). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as import('node:net').AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200 (or the container stops). */
export async function waitFor200(url: string, container: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    const state = podman(['inspect', '--format', '{{.State.Status}}', container]).trim();
    if (state !== 'running') throw new Error(`${container} is ${state}:\n${podman(['logs', container])}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s:\n${podman(['logs', container])}`);
}

/** Signs in as the first operator and makes a tenant and an application (with a secret, production mode): its Basic auth. */
export async function givenApplication(base: string, admin: { email: string; password: string }, id: string): Promise<string> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: base },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, any>;
  };
  const tenant = await post('/tenants', { slug: id, name: id });
  const app = await post(`/tenants/${tenant.id}/applications`, { id, name: id });
  return Buffer.from(`${id}:${app.secret}`).toString('base64');
}
