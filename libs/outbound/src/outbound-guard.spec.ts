import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from './outbound-address';
import { OutboundGuard, type Resolver } from './outbound-guard';
import { OutboundFetchError, OutboundUrlError } from './outbound.errors';

const PRODUCTION = { production: true, allowPrivate: false };
const DEVELOPMENT = { production: false, allowPrivate: false };

/** A local HTTP server that counts the connections it gets. */
async function localServer(answer: (send: (status: number, body: string) => void) => void = (send) => send(200, '{"keys":[]}')) {
  const seen = { connections: 0 };
  const server: Server = createServer((_req, res) => answer((status, body) => res.writeHead(status).end(body)));
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A name server that answers `address` for every name (a rebinding one answers a public address first, this later). */
const resolvingTo =
  (...addresses: string[]): Resolver =>
  (_hostname, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundFetchError);
  return (error as OutboundFetchError).reason;
};

describe(OutboundGuard.name, () => {
  it('knows public addresses from loopback, private, link-local, unique-local, CGNAT, metadata and embedded-IPv4 forms', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    }
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.100.100.200',
      '192.0.0.192',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      'not-an-address',
    ]) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
  });

  it('at save time, in production: https only, no credentials, no literal private address', () => {
    const sut = new OutboundGuard(PRODUCTION);
    expect(sut.checkUrl('https://id.example.com/jwks').href).toBe('https://id.example.com/jwks');
    expect(sut.checkUrl('https://8.8.8.8/jwks').hostname).toBe('8.8.8.8');
    const refusal = (url: string) => {
      try {
        sut.checkUrl(url);
      } catch (error) {
        expect(error).toBeInstanceOf(OutboundUrlError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('http://id.example.com/jwks')).toBe('must use https');
    expect(refusal('http://127.0.0.1:8080/jwks')).toBe('must use https');
    expect(refusal('not a url')).toBe('must be a URL');
    expect(refusal('https://user:pw@id.example.com/')).toBe('must not hold credentials');
    expect(refusal('https://127.0.0.1:8443/jwks')).toMatch(
      /^must not point at a loopback address \(127\.0\.0\.1\): .*CM_ALLOW_PRIVATE_URLS=true/,
    );
    // Other spellings of the same addresses: the URL parser normalises them, the check sees the address.
    expect(refusal('https://0x7f.1/jwks')).toMatch(/loopback address \(127\.0\.0\.1\)/);
    expect(refusal('https://2130706433/jwks')).toMatch(/loopback address \(127\.0\.0\.1\)/);
    expect(refusal('https://[::ffff:169.254.169.254]/latest')).toMatch(/linkLocal address/);
    expect(refusal('https://169.254.169.254/latest/meta-data')).toMatch(/linkLocal address/);
    expect(refusal('https://[fd00:ec2::254]/latest')).toMatch(/uniqueLocal address/);
    expect(refusal('https://10.0.0.8/jwks')).toMatch(/private address/);
    expect(refusal('https://100.100.100.200/jwks')).toMatch(/carrierGradeNat address/);
    // Names are resolved when fetched, not when saved.
    expect(refusal('https://localhost:8443/jwks')).toBe('accepted');

    const onPremises = new OutboundGuard({ production: true, allowPrivate: true });
    expect(onPremises.checkUrl('https://10.0.0.8/jwks').hostname).toBe('10.0.0.8');
    expect(() => onPremises.checkUrl('http://10.0.0.8/jwks')).toThrow('must use https');
  });

  it('in development: https anywhere, http to this machine only', () => {
    const sut = new OutboundGuard(DEVELOPMENT);
    for (const url of ['http://localhost:8080/jwks', 'http://127.0.0.1:8080/jwks', 'http://[::1]:8080/jwks', 'https://10.0.0.8/jwks']) {
      expect(sut.checkUrl(url).href).toBe(new URL(url).href);
    }
    expect(() => sut.checkUrl('http://id.example.com/jwks')).toThrow('must use https (http only for localhost)');
  });

  it('in production never connects to a loopback address, by literal or by a name that resolves to one (DNS rebinding)', async () => {
    const local = await localServer();
    try {
      // A literal loopback address, in an accepted scheme: refused before any connection.
      expect(await failure(new OutboundGuard(PRODUCTION).fetch(`https://127.0.0.1:${local.port}/jwks`))).toBe('refused-url');
      // `localhost` resolves to loopback at connect time: refused at the lookup.
      expect(await failure(new OutboundGuard(PRODUCTION).fetch(`https://localhost:${local.port}/jwks`))).toBe('refused-address');
      // A public-looking name whose name server now answers loopback (or a public and a private address together).
      for (const resolver of [resolvingTo('127.0.0.1'), resolvingTo('93.184.215.14', '127.0.0.1'), resolvingTo('::ffff:127.0.0.1')]) {
        const sut = new OutboundGuard(PRODUCTION, resolver);
        expect(await failure(sut.fetch(`https://keys.example.com:${local.port}/jwks`))).toBe('refused-address');
      }
      expect(local.seen.connections).toBe(0);
    } finally {
      await local.close();
    }
  });

  it('with CM_ALLOW_PRIVATE_URLS (or in development) fetches private addresses, capping the size', async () => {
    const local = await localServer();
    const big = await localServer((send) => send(200, 'x'.repeat(2048)));
    try {
      const onPremises = new OutboundGuard({ production: false, allowPrivate: true }, resolvingTo('127.0.0.1'));
      const res = await onPremises.fetch(`http://localhost:${local.port}/jwks`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ keys: [] });
      expect(await failure(onPremises.fetch(`http://localhost:${big.port}/jwks`, { maxBytes: 1024 }))).toBe('too-large');
      expect((await onPremises.fetch(`http://localhost:${big.port}/jwks`, { maxBytes: 4096 })).status).toBe(200);
    } finally {
      await local.close();
      await big.close();
    }
  });

  it('gives up on a server that never answers (time-out), and fails a closed port as a network failure', async () => {
    const silent = await localServer(() => undefined);
    const closed = await localServer();
    await closed.close();
    try {
      const sut = new OutboundGuard(DEVELOPMENT);
      expect(await failure(sut.fetch(`http://127.0.0.1:${silent.port}/jwks`, { timeoutMs: 200 }))).toBe('timeout');
      expect(await failure(sut.fetch(`http://127.0.0.1:${closed.port}/jwks`))).toBe('network');
    } finally {
      await silent.close();
    }
  });
});
