import { networkPrefix, normalizeAddress } from './network-address';

describe('network addresses', () => {
  it.each([
    ['203.0.113.45', '203.0.113.45', '203.0.113.0/24'],
    ['::ffff:198.51.100.7', '198.51.100.7', '198.51.100.0/24'],
    ['2001:DB8:12:34AB::1', '2001:db8:12:34ab::1', '2001:db8:12:3400::/56'],
    ['2001:db8::1', '2001:db8::1', '2001:db8::/56'],
    ['::1', '::1', '::/56'],
  ])('%s is %s in %s', (raw, address, prefix) => {
    expect(normalizeAddress(raw)).toBe(address);
    expect(networkPrefix(normalizeAddress(raw)!)).toBe(prefix);
  });

  it('refuses what is no address', () => {
    expect(normalizeAddress('example.com')).toBeNull();
    expect(normalizeAddress('')).toBeNull();
    expect(normalizeAddress(undefined)).toBeNull();
  });
});
