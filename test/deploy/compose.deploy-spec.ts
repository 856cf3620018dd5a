import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BASE, buildImage, freePort, givenApplication, IMAGE, podman, PODMAN_ENV, podmanUnavailable, ROOT, RUNTIME } from './podman';

const SERVICES_IMAGE = 'localhost/cm-test-services:bookworm';
const ADMIN = { email: 'ops@example.com', password: 'compose-test-password-1' };

function composeUnavailable(): string | undefined {
  const podmanMissing = podmanUnavailable();
  if (podmanMissing) return podmanMissing;
  const version = spawnSync('podman-compose', ['version'], { encoding: 'utf8' });
  return version.error ? 'podman-compose is not installed (Debian: apt-get install podman-compose)' : undefined;
}

const unavailable = composeUnavailable();
if (unavailable) console.warn(`SKIPPED: the compose stack suite needs podman and podman-compose. ${unavailable}`);

(unavailable ? describe.skip : describe)('the compose stack (deploy/compose)', () => {
  const project = `cmtest${process.pid}`;
  let port: number;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const compose = (...args: string[]) => {
    const run = spawnSync(
      'podman-compose',
      ['-p', project, '-f', join(ROOT, 'deploy/compose/compose.yaml'), '-f', join(__dirname, 'compose.local.yaml'), ...args],
      { cwd: join(ROOT, 'deploy/compose'), env, encoding: 'utf8', timeout: 300_000 },
    );
    if (run.status !== 0) throw new Error(`podman-compose ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    return run.stdout;
  };
  const leftovers = () =>
    [
      podman(['ps', '--all', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Names}}']),
      podman(['volume', 'ls', '--filter', `label=io.podman.compose.project=${project}`, '--format', '{{.Name}}']),
      podman(['network', 'ls', '--format', '{{.Name}}']),
    ]
      .join('\n')
      .split('\n')
      .filter((name) => name.includes(project));

  beforeAll(async () => {
    buildImage();
    podman(
      [
        'build',
        ...RUNTIME,
        '--network',
        'host',
        '--build-arg',
        `BASE=${BASE}`,
        '--file',
        join(__dirname, 'services.Containerfile'),
        '--tag',
        SERVICES_IMAGE,
        __dirname,
      ],
      {
        timeoutMs: 20 * 60_000,
      },
    );
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // What .env holds for an operator (.env.example), given here so the work tree's own .env is left alone.
    env = {
      ...PODMAN_ENV,
      CM_IMAGE: IMAGE,
      POSTGRES_PASSWORD: 'compose-test-postgres',
      POSTGRES_DB: 'postgres',
      REDIS_PASSWORD: 'compose-test-redis',
      CM_ADMIN_EMAIL: ADMIN.email,
      CM_ADMIN_PASSWORD: ADMIN.password,
      CM_HTTP_PORT: String(port),
    };
    compose('up', '-d');
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const ready = await Promise.all(
        [1, 2].map(() =>
          fetch(`${base}/readyz`).then(
            (r) => r.status,
            () => 0,
          ),
        ),
      );
      if (ready.every((s) => s === 200)) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`the stack did not answer /readyz through Caddy within 180 s:\n${compose('logs')}`);
  }, 45 * 60_000);

  afterAll(() => {
    if (!env) return;
    compose('down', '-v');
    for (const network of leftovers()) podman(['network', 'rm', '--force', network]);
  });

  it('balances starts over both replicas through Caddy, and keeps answering when one is killed', async () => {
    const auth = await givenApplication(base, ADMIN, 'compose-web');
    const start = (subject: string) =>
      fetch(`${base}/v2/sessions/idp/${subject}`, { method: 'POST', headers: { authorization: `Basic ${auth}` } }).then((r) => r.status);
    // Round robin over the replicas Caddy's health checks (every 2 s) found ready: starts until each replica has
    // answered one (its own access log), every start admitted.
    const answered = (replica: string) => /"url":"\/v2\/sessions\/idp\/before-/.test(podman(['logs', `${project}_${replica}_1`]));
    const statuses: number[] = [];
    for (let i = 0; i < 30 && !(answered('api-1') && answered('api-2')); i++) {
      statuses.push(await start(`before-${i}`));
      if (i % 2 === 1) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect([answered('api-1'), answered('api-2')]).toEqual([true, true]);

    podman(['kill', `${project}_api-1_1`]);
    const after: number[] = [];
    for (let i = 0; i < 6; i++) after.push(await start(`after-${i}`));
    expect(after).toEqual([202, 202, 202, 202, 202, 202]);
  });

  it('comes down leaving no container, volume or network behind', () => {
    compose('down', '-v');
    // podman-compose 1.0 leaves the project's network: removed here as `docker compose down` does.
    for (const network of leftovers()) podman(['network', 'rm', '--force', network]);
    env = undefined as unknown as NodeJS.ProcessEnv;
    expect(leftovers()).toEqual([]);
  });
});
