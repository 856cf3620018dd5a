import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { player, startTestApp, type TestApp } from '../support/app';
import { type CliRun, runCm } from '../support/cm-cli';
import { adminApi, type ManagementSession } from '../support/management';

jest.setTimeout(180_000);

/** The CLI against `t` with `token`, in the suite's scratch directory. */
const cli =
  (dir: string) =>
  (t: TestApp, token: string, ...args: string[]) =>
    runCm(args, { cwd: dir, env: { CM_SERVER_URL: t.url, CM_API_TOKEN: token } });

const ok = (run: CliRun, code = 0) => {
  if (run.code !== code) throw new Error(`exit ${run.code} (expected ${code})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return run;
};

/** A configuration made through the management API, the way the console makes it. */
async function configureThroughTheApi(admin: ManagementSession) {
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await admin.api(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
    return res.body;
  };
  const acme = await call('POST', '/tenants', { slug: 'acme', name: 'Acme Streaming' });
  const partner = await call('POST', '/tenants', { slug: 'partner', name: 'Partner MVPD' });
  const cap = await call('POST', `/tenants/${acme.id}/policies`, {
    name: 'three-streams',
    description: 'Three at once',
    rules: [{ name: '3 streams', limit: 3, onConflict: 'reject', message: 'Number of active streams exceeded' }],
  });
  const devices = await call('POST', `/tenants/${acme.id}/policies`, {
    name: 'live devices',
    rules: [
      {
        name: '2 live devices per channel',
        limit: 2,
        countBy: 'deviceId',
        scope: ['channel'],
        where: [{ attribute: 'contentType', op: 'eq', value: 'live' }],
        onConflict: 'evict-oldest',
      },
    ],
  });
  await call('PUT', `/policies/${devices.id}/shares`, { tenantIds: [partner.id] });
  await call('POST', `/tenants/${acme.id}/applications`, {
    id: 'acme-web',
    name: 'Acme web',
    heartbeatIntervalSeconds: 30,
    requireSecret: true,
  });
  await call('POST', `/tenants/${acme.id}/applications`, { id: 'acme-tv', name: 'Acme TV', platform: 'tv' });
  await call('PATCH', '/applications/acme-tv', { enabled: false });
  await call('PATCH', '/applications/acme-web', { playbackTokens: { enabled: true } });
  await call('PUT', '/applications/acme-web/policies', { policyIds: [cap.id] });
  await call('PUT', '/applications/acme-tv/policies', { policyIds: [cap.id, devices.id] });
  await call('POST', `/tenants/${partner.id}/applications`, { id: 'partner-app', name: 'Partner app' });
  await call('PUT', '/applications/partner-app/policies', { policyIds: [devices.id] });
  // Entitlements from the operator's identity system, and a rule whose limit comes from one of its claims.
  const { publicKey } = generateKeyPairSync('ed25519');
  const key = { ...publicKey.export({ format: 'jwk' }), kid: 'id-1', alg: 'EdDSA' };
  await call('PATCH', '/applications/partner-app', {
    entitlements: { issuer: 'https://id.partner.test', audience: 'concurrency-monitor', jwks: { keys: [key] } },
  });
  await call('POST', `/tenants/${partner.id}/policies`, {
    name: 'screens',
    rules: [
      { name: 'screens of the plan', limit: 1, limitClaim: 'screens', maxLimit: 4, where: [{ attribute: 'claims.tier', op: 'exists' }] },
    ],
  });
  return { acme, partner, cap, devices };
}

describe('configuration as code: cm config against a running server', () => {
  let source: TestApp;
  let target: TestApp;
  let sourceAdmin: ManagementSession;
  let targetAdmin: ManagementSession;
  let dir: string;
  let cm: ReturnType<typeof cli>;

  beforeAll(async () => {
    [source, target] = await Promise.all([startTestApp(), startTestApp({ env: { CM_DEMO_SEED: 'false' } })]);
    [sourceAdmin, targetAdmin] = await Promise.all([adminApi(source), adminApi(target)]);
    dir = mkdtempSync(path.join(tmpdir(), 'cm-config-'));
    cm = cli(dir);
    await configureThroughTheApi(sourceAdmin);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([source?.close(), target?.close()]);
  });

  const file = (name: string) => path.join(dir, name);
  const edit = (from: string, to: string, change: (doc: any) => void) => {
    const doc = parse(readFileSync(file(from), 'utf8'));
    change(doc);
    writeFileSync(file(to), stringify(doc));
  };
  const policyOf = (doc: any, tenant: string, name: string) =>
    doc.tenants.find((t: any) => t.slug === tenant).policies.find((p: any) => p.name === name);

  it('export → apply to an empty server reproduces the configuration exactly; plan on the same file then says "no changes"', async () => {
    ok(await cm(source, sourceAdmin.token, 'config', 'export', '-o', 'exported.yaml'));
    const exported = readFileSync(file('exported.yaml'), 'utf8');
    expect(exported).not.toMatch(/\bsecret\b|hash/i);
    const doc = parse(exported);
    expect(doc.tenants.map((t: any) => t.slug)).toEqual(['acme', 'demo', 'partner']);
    expect(doc.tenants[0].applications.find((a: any) => a.id === 'acme-tv')).toEqual({
      id: 'acme-tv',
      name: 'Acme TV',
      platform: 'tv',
      heartbeatIntervalSeconds: 60,
      requireSecret: false,
      enabled: false,
      playbackTokens: { enabled: false },
      entitlements: null,
      policies: ['live devices', 'three-streams'],
    });

    expect((await targetAdmin.api('GET', '/tenants')).body).toEqual([]);
    // An existing secrets file (here world-readable) is refused before anything is applied; --force replaces it.
    writeFileSync(file('secrets.env'), 'left over\n', { mode: 0o644 });
    const refused = ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'exported.yaml', '--secrets-out', 'secrets.env'), 1);
    expect(refused.stderr).toBe('cm config apply: secrets.env already exists: choose a new file, or pass --force to replace it\n');
    expect((await targetAdmin.api('GET', '/tenants')).body).toEqual([]);
    const applied = ok(
      await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'exported.yaml', '--secrets-out', 'secrets.env', '--force'),
    );
    expect(applied.stdout).toMatch(/Plan: 11 to create, 0 to change, 0 to delete\./);
    expect(applied.stdout).toMatch(/Applied: 11 created, 0 changed, 0 deleted\./);

    ok(await cm(target, targetAdmin.token, 'config', 'export', '-o', 'reproduced.yaml'));
    expect(readFileSync(file('reproduced.yaml'), 'utf8')).toBe(exported);

    // The secret acme-web requires was made on the target and kept for the operator, not printed.
    expect(statSync(file('secrets.env')).mode & 0o777).toBe(0o600);
    const [, secret] = /^acme-web=(\S+)$/m.exec(readFileSync(file('secrets.env'), 'utf8'))!;
    expect(applied.stdout).not.toContain(secret);
    expect((await player(target.url, 'acme-web', secret).metadata()).status).toBe(200);
    expect((await player(target.url, 'acme-web').metadata()).status).toBe(401);

    const plan = ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'exported.yaml'));
    expect(plan.stdout).toMatch(/no changes/);
  });

  it('a changed limit plans as a one-line diff with exit code 2, and apply makes it live at the next heartbeat', async () => {
    edit('exported.yaml', 'lower.yaml', (doc) => {
      policyOf(doc, 'acme', 'three-streams').rules[0].limit = 2;
    });
    const plan = ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'lower.yaml'), 2);
    const changed = plan.stdout.split('\n').filter((line) => /^\s+(?:[+~-] |\S+: )/.test(line));
    expect(changed).toEqual(['  ~ policy "three-streams"', '      rules[0].limit: 3 → 2']);
    expect(plan.stdout).toMatch(/Plan: 0 to create, 1 to change, 0 to delete\./);

    // Three running streams on acme-web (reject: the earliest started stay compliant).
    const secret = /^acme-web=(\S+)$/m.exec(readFileSync(file('secrets.env'), 'utf8'))![1];
    const p = player(target.url, 'acme-web', secret);
    const sessions = [];
    for (let i = 0; i < 3; i++) sessions.push((await p.init('idp', 'viewer-1')).body.sessionId as string);
    expect(sessions.every(Boolean)).toBe(true);

    const apply = ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'lower.yaml'));
    expect(apply.stdout).toMatch(/Applied: 0 created, 1 changed, 0 deleted\./);
    const beats = [];
    for (const id of sessions) beats.push((await p.heartbeat('idp', 'viewer-1', id)).status);
    expect(beats).toEqual([202, 202, 409]);
    ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'lower.yaml'));
  });

  it('a file with an invalid rule or an unknown field fails validation naming the object and the field, and changes nothing', async () => {
    edit('lower.yaml', 'invalid.yaml', (doc) => {
      policyOf(doc, 'acme', 'three-streams').rules[0].limit = -1;
      doc.tenants[0].applications[0].colour = 'blue';
    });
    const before = ok(await cm(target, targetAdmin.token, 'config', 'export')).stdout;

    const validate = ok(await cm(target, targetAdmin.token, 'config', 'validate', '-f', 'invalid.yaml'), 1);
    expect(validate.stderr).toMatch(
      /invalid\.yaml:\d+:\d+: tenant "acme", policy "three-streams", field rules\[0\]\.limit: must be an integer/,
    );
    expect(validate.stderr).toMatch(/invalid\.yaml:\d+:\d+: tenant "acme", application "acme-tv", field colour: is not a known field/);
    for (const action of ['plan', 'apply']) {
      const run = ok(await cm(target, targetAdmin.token, 'config', action, '-f', 'invalid.yaml'), 1);
      expect(run.stderr).toMatch(/field rules\[0\]\.limit/);
    }
    expect(ok(await cm(target, targetAdmin.token, 'config', 'export')).stdout).toBe(before);
    ok(await cm(target, targetAdmin.token, 'config', 'validate', '-f', 'lower.yaml'));
  });

  it('a console edit between plan and apply makes apply refuse and leaves the edit in place', async () => {
    edit('lower.yaml', 'renamed.yaml', (doc) => {
      doc.tenants.find((t: any) => t.slug === 'partner').name = 'Partner MVPD, Inc.';
    });
    ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'renamed.yaml', '--out', 'renamed.plan'), 2);

    const [policy] = (await targetAdmin.cookieApi('GET', `/tenants/${await tenantId(target, 'acme')}/policies`)).body.filter(
      (p: any) => p.name === 'three-streams',
    );
    const consoleEdit = await targetAdmin.cookieApi('PUT', `/policies/${policy.id}`, {
      ...pick(policy),
      rules: [{ ...policy.rules[0], limit: 5 }],
    });
    expect(consoleEdit.status).toBe(200);

    const apply = ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'renamed.yaml', '--plan', 'renamed.plan'), 1);
    expect(apply.stderr).toMatch(/refused.*CONFIGURATION_CHANGED/);
    expect(apply.stderr).toMatch(/acme/);
    expect((await targetAdmin.api('GET', `/policies/${policy.id}`)).body.rules[0].limit).toBe(5);
    expect((await targetAdmin.api('GET', `/tenants/${await tenantId(target, 'partner')}`)).body.name).toBe('Partner MVPD');

    // Planned again, it applies (and puts the file's limit back).
    const again = ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'renamed.yaml'));
    expect(again.stdout).toMatch(/rules\[0\]\.limit: 5 → 2/);
  });

  it('objects absent from the file are kept, and deleted only with --prune', async () => {
    edit('renamed.yaml', 'smaller.yaml', (doc) => {
      const acme = doc.tenants.find((t: any) => t.slug === 'acme');
      acme.applications = acme.applications.filter((a: any) => a.id !== 'acme-tv');
      acme.policies = acme.policies.filter((p: any) => p.name !== 'three-streams');
      acme.applications.find((a: any) => a.id === 'acme-web').policies = [];
    });
    const plan = ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'smaller.yaml'), 2);
    expect(plan.stdout).toMatch(/not in smaller\.yaml, kept: application acme-tv, policy "three-streams"; --prune deletes them/);
    ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'smaller.yaml'));
    expect((await targetAdmin.api('GET', '/applications/acme-tv')).status).toBe(200);

    const prunePlan = ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'smaller.yaml', '--prune'), 2);
    expect(prunePlan.stdout).toMatch(/^ {2}- application acme-tv$/m);
    expect(prunePlan.stdout).toMatch(/^ {2}- policy "three-streams"$/m);
    const pruned = ok(await cm(target, targetAdmin.token, 'config', 'apply', '-f', 'smaller.yaml', '--prune'));
    expect(pruned.stdout).toMatch(/Applied: 0 created, 0 changed, 2 deleted\./);
    expect((await targetAdmin.api('GET', '/applications/acme-tv')).status).toBe(404);
    ok(await cm(target, targetAdmin.token, 'config', 'plan', '-f', 'smaller.yaml', '--prune'));
  });
});

async function tenantId(t: TestApp, slug: string): Promise<string> {
  return (await t.tenants.findBySlug(slug))!.id;
}

const pick = (policy: { name: string; description: string; rules: unknown[] }) => ({
  name: policy.name,
  description: policy.description,
  rules: policy.rules,
});
