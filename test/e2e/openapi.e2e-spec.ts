import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDocumentOffline, OPENAPI_JSON, serialize } from '../../scripts/openapi';
import { ADAPTERS, startTestApp, type TestApp } from '../support/app';

const committedFile = path.resolve(__dirname, '..', '..', OPENAPI_JSON);

/** Names the first differences, so the failure says what changed. */
function differences(served: Record<string, any>, committed: Record<string, any>): string {
  const keys = (doc: Record<string, any>) => [
    ...Object.keys(doc.paths ?? {}).map((p) => `path ${p}`),
    ...Object.keys(doc.components?.schemas ?? {}).map((s) => `schema ${s}`),
  ];
  const a = new Set(keys(served));
  const b = new Set(keys(committed));
  const added = [...a].filter((k) => !b.has(k));
  const removed = [...b].filter((k) => !a.has(k));
  return [added.length ? `new: ${added.join(', ')}` : '', removed.length ? `gone: ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
}

function assertFresh(served: unknown): void {
  const committed = readFileSync(committedFile, 'utf8');
  if (serialize(served) !== committed) {
    const diff = differences(served as Record<string, any>, JSON.parse(committed));
    throw new Error(`${OPENAPI_JSON} is stale: run npm run openapi (and commit the result)${diff ? `. ${diff}` : ''}`);
  }
}

describe.each(ADAPTERS)('OpenAPI on %s', (adapter) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ adapter });
  });
  afterAll(() => t.close());

  it('serves the document at /api/docs-json, equal to the committed libs/contracts/openapi.json', async () => {
    const res = await fetch(`${t.url}/api/docs-json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const document = await res.json();
    expect(document.info).toMatchObject({ title: 'Concurrency Monitor', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(document.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'cm_session' },
      token: { type: 'http', scheme: 'bearer' },
    });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/operators', '/api/v1/tokens', '/api/v1/audit']),
    );
    expect(Object.keys(document.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    assertFresh(document);
  });

  it('serves Swagger UI at /api/docs with its assets', async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    for (const [asset, type] of [
      ['swagger-ui-bundle.js', /javascript/],
      ['swagger-ui-standalone-preset.js', /javascript/],
      ['swagger-ui-init.js', /javascript/],
      ['swagger-ui.css', /^text\/css/],
    ] as const) {
      const res = await fetch(`${t.url}/api/docs/${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers.get('content-type')).toMatch(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect((await fetch(`${t.url}/api/docs/package.json`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/docs/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('npm run openapi', () => {
  it('builds, without a database, the same document the app serves', async () => {
    assertFresh(await buildDocumentOffline());
  });
});
