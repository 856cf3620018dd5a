import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { ADAPTERS, givenApplication, player, startTestApp, type TestApp } from '../support/app';
import { loginAs } from '../support/management';
import { eventually } from './management-helpers';

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'concurrency-monitor';

/** A service on this machine that no fetch of the server may reach: it counts every connection it gets. */
async function internalService() {
  const seen = { connections: 0 };
  const server = createServer((_req, res) => res.writeHead(401).end('internal'));
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function entitlementToken() {
  const { privateKey } = await generateKeyPair('EdDSA');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('10m')
    .sign(privateKey);
}

describe.each(ADAPTERS)('outbound URLs in production mode, on %s', (adapter) => {
  let t: TestApp;
  let internal: Awaited<ReturnType<typeof internalService>>;

  beforeAll(async () => {
    t = await startTestApp({ adapter, env: { CM_ENV: 'production', CM_METRICS_PORT: '0' } });
    internal = await internalService();
  });
  afterAll(async () => {
    await internal?.close();
    await t?.close();
  });

  it('refuses to save a JWKS URL at a loopback, private, link-local or metadata address, or over http: 400 naming the field', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const tenantAdmin = await loginAs(t, 'tenant-admin', tenant.id);
    const refused = [
      [`https://127.0.0.1:${internal.port}/x`, /loopback address \(127\.0\.0\.1\)/],
      [`https://[::1]:${internal.port}/x`, /loopback address \(::1\)/],
      [`https://0x7f.0.0.1:${internal.port}/x`, /loopback address \(127\.0\.0\.1\)/],
      ['https://10.0.0.5/jwks', /private address/],
      ['https://192.168.1.10/jwks', /private address/],
      ['https://169.254.169.254/latest/meta-data/', /linkLocal address/],
      ['https://[fd00:ec2::254]/latest/meta-data/', /uniqueLocal address/],
      ['https://100.100.100.200/latest/meta-data/', /carrierGradeNat address/],
      ['https://[::ffff:10.0.0.5]/jwks', /private address/],
      ['http://id.example.com/jwks', /must use https$/],
      [`http://127.0.0.1:${internal.port}/x`, /must use https$/],
    ] as const;
    for (const [jwksUrl, reason] of refused) {
      const res = await tenantAdmin.api('PATCH', `/applications/${application.id}`, {
        entitlements: { issuer: ISSUER, audience: AUDIENCE, jwksUrl },
      });
      expect({ jwksUrl, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({
        jwksUrl,
        status: 400,
        field: 'entitlements.jwksUrl',
      });
      expect(res.body.detail).toMatch(reason);
    }
    expect((await tenantAdmin.api('GET', `/applications/${application.id}`)).body.entitlements).toBeNull();
    expect(internal.seen.connections).toBe(0);
  });

  it('a host name that resolves to a loopback address is refused at connect time: the player gets 503, nothing connects', async () => {
    const { application, tenant, secret } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const tenantAdmin = await loginAs(t, 'tenant-admin', tenant.id);
    // A name, not an address: accepted when saved, resolved (to 127.0.0.1 / ::1) only when fetched.
    const jwksUrl = `https://localhost:${internal.port}/jwks.json`;
    const saved = await tenantAdmin.api('PATCH', `/applications/${application.id}`, {
      entitlements: { issuer: ISSUER, audience: AUDIENCE, jwksUrl },
    });
    expect(saved.status).toBe(200);
    const cm = player(t.url, application.id, secret);
    await eventually(
      () => cm.metadata(),
      (r) => (r.body as string[]).includes('entitlement'),
    );
    const token = await entitlementToken();
    for (const subject of ['rebound-1', 'rebound-2']) {
      const res = await cm.init('idp', subject, {}, { 'x-cm-entitlement': token });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.detail).toBe("The identity system's keys could not be fetched; retry shortly");
    }
    expect(internal.seen.connections).toBe(0);
  });
});

describe('outbound URLs in production mode with CM_ALLOW_PRIVATE_URLS=true', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CM_ENV: 'production', CM_METRICS_PORT: '0', CM_ALLOW_PRIVATE_URLS: 'true' } });
  });
  afterAll(() => t?.close());

  it('accepts an identity server on the private network, still over https only', async () => {
    const { application, tenant } = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    const tenantAdmin = await loginAs(t, 'tenant-admin', tenant.id);
    const patch = (jwksUrl: string) =>
      tenantAdmin.api('PATCH', `/applications/${application.id}`, { entitlements: { issuer: ISSUER, audience: AUDIENCE, jwksUrl } });
    expect((await patch('https://10.0.0.5/jwks')).status).toBe(200);
    expect((await patch('https://127.0.0.1:8443/jwks')).status).toBe(200);
    const http = await patch('http://10.0.0.5/jwks');
    expect(http.status).toBe(400);
    expect(http.body.errors[0].field).toBe('entitlements.jwksUrl');
  });
});
