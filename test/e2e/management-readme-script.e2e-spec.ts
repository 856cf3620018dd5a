import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ADAPTERS, startTestApp, type TestApp } from '../support/app';
import { apiToken } from './management-helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'configure-with-api.sh');

describe.each(ADAPTERS)('docs/management-api.md "Configure with the API" on %s', (adapter) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t.close());

  it('docs/management-api.md shows the script verbatim', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'management-api.md'), 'utf8');
    expect(doc).toContain(readFileSync(SCRIPT, 'utf8').trim());
  });

  it('runs with curl and a token: the policy decides the sessions (latest wins on "news")', async () => {
    const token = await apiToken(t, 'admin');
    const { stdout } = await promisify(execFile)('bash', [SCRIPT], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CM_URL: t.url, CM_TOKEN: token, CM_RUN: adapter },
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('["channel","deviceId"]');
    for (const device of ['tv:', 'phone:', 'tablet:', 'sports:']) {
      expect(lines.find((l) => l.startsWith(device))).toMatch(/"sessionId":"[0-9a-f-]{36}","terminationCode":"[0-9a-f]{8}"/);
    }
    expect(lines.at(-2)).toBe('phone heartbeat -> 202');
    const tv = lines.at(-1)!;
    expect(tv).toMatch(/^tv heartbeat -> 409 \{/);
    const body = JSON.parse(tv.slice('tv heartbeat -> 409 '.length));
    expect(body.obligations).toEqual([]);
    const advice = body.associatedAdvice[0];
    expect(advice).toMatchObject({
      type: 'rule-violation',
      policyName: '2 devices per channel',
      attribute: 'deviceId',
      threshold: 2,
      scope: ['channel'],
    });
    expect(Object.keys(advice.conflicts).sort()).toEqual(['phone', 'tablet']);
  });
});
