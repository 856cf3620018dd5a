import { loadEnv } from '../config/env';
import { adapterTrustProxy, parseTrustProxy } from './trust-proxy';

describe(parseTrustProxy.name, () => {
  it('reads off, a hop count, or proxy addresses and CIDRs', () => {
    for (const off of [undefined, '', 'false', 'OFF', '0']) expect(parseTrustProxy(off)).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.4,loopback, ::1, fd00::/8')).toEqual([
      '10.0.0.0/8',
      '192.168.1.4',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
  });

  it('refuses anything else, and the environment names the variable', () => {
    for (const bad of ['true', 'yes', '33', '10.0.0.0/33', '10.0.0/8', 'proxy.example', '1.2.3.4/8/8', '::1/129']) {
      expect(parseTrustProxy(bad)).toBeNull();
    }
    expect(() => loadEnv({ CM_TRUST_PROXY: 'true' })).toThrow(/CM_TRUST_PROXY="true"/);
  });

  it('gives both adapters a hop count as a function trusting that many nearest hops', () => {
    const trust = adapterTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => trust('10.0.0.1', hop))).toEqual([true, true, false]);
    expect(adapterTrustProxy(false)).toBe(false);
  });
});
