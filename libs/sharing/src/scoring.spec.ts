import { networkKind } from './network-kind';
import { distanceKm, scoreAccount, type SharingStart } from './scoring';

const NOW = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const PARIS = { city: 'Paris', country: 'FR', latitude: 48.8575, longitude: 2.3514 };
const SYDNEY = { city: 'Sydney', country: 'AU', latitude: -33.8688, longitude: 151.209 };
const LYON = { city: 'Lyon', country: 'FR', latitude: 45.764, longitude: 4.8357 };
const VERSAILLES = { city: 'Versailles', country: 'FR', latitude: 48.8049, longitude: 2.1204 };
const ATLANTA = { city: 'Atlanta', country: 'US', latitude: 33.7501, longitude: -84.3885 };
const SEATTLE = { city: 'Seattle', country: 'US', latitude: 47.6062, longitude: -122.332 };

let seq = 0;
function start(at: Date, address: string, place: typeof PARIS, more: Partial<SharingStart> = {}): SharingStart {
  const [a, b, c] = address.split('.');
  return {
    sessionId: `s${++seq}`,
    applicationId: 'app',
    deviceId: null,
    startedAt: at,
    endedAt: at,
    address,
    networkId: `${a}.${b}.${c}.0/24`,
    asn: 3215,
    organisation: 'Orange S.A.',
    kind: 'fixed',
    ...place,
    ...more,
  };
}

describe('sharing score', () => {
  it('scores impossible travel with both places, and the countries of 24 h', () => {
    const signals = scoreAccount(
      [
        start(minutesAgo(2), '80.8.12.34', PARIS),
        start(minutesAgo(1), '58.160.12.34', SYDNEY, { asn: 1221, organisation: 'Telstra Limited' }),
      ],
      NOW,
      { travelAvailable: true },
    );
    const travel = signals.evidence.find((e) => e.signal === 'impossible-travel')!;
    expect(travel.points).toBe(25);
    expect(travel.summary).toMatch(/^Started in Sydney, AU 1 minute after a start in Paris, FR: 16,9\d\d km apart/);
    expect(travel.details).toMatchObject({ from: { city: 'Paris', address: '80.8.12.34' }, to: { city: 'Sydney', asn: 1221 } });
    expect(signals.evidence.find((e) => e.signal === 'countries-24h')).toMatchObject({ points: 15, details: { countries: ['FR', 'AU'] } });
    expect(signals.score).toBe(40);
    expect(signals.countries24h).toBe(2);
    expect(signals.networks24h).toBe(2);
  });

  it('never counts the same network seen as two places, nor distances under the database accuracy, as travel', () => {
    const sameNetwork = scoreAccount([start(minutesAgo(2), '80.8.12.34', PARIS), start(minutesAgo(1), '80.8.12.99', LYON)], NOW, {
      travelAvailable: true,
    });
    expect(sameNetwork.evidence).toEqual([]);
    expect(sameNetwork.flags.map((f) => f.flag)).toEqual(['same-network-places']);
    const near = scoreAccount([start(minutesAgo(2), '80.8.12.34', PARIS), start(minutesAgo(1), '80.9.1.2', VERSAILLES)], NOW, {
      travelAvailable: true,
    });
    expect(distanceKm(PARIS, VERSAILLES)).toBeLessThan(150);
    expect(near.evidence).toEqual([]);
    expect(near.score).toBe(0);
  });

  it('takes a dual-stack home (IPv4 and IPv6 of one provider) as one household: no second network, no travel', () => {
    const v6 = (at: Date, place: typeof PARIS, more: Partial<SharingStart> = {}) =>
      start(at, '2a01:cb00:1:2::5', place, { networkId: '2a01:cb00:1:200::/56', ...more });
    // Two TVs of one home at once, one over IPv4 in Paris, one over IPv6 that the database places in Lyon.
    const home = scoreAccount(
      [
        start(minutesAgo(30), '80.8.12.34', PARIS, { endedAt: null }),
        v6(minutesAgo(20), LYON, { endedAt: null }),
        start(minutesAgo(10), '80.8.12.34', PARIS),
      ],
      NOW,
      { travelAvailable: true },
    );
    expect(home.evidence).toEqual([]);
    expect(home.networks24h).toBe(1);
    expect(home.flags.map((f) => f.flag)).toEqual(['dual-stack']);
    expect(home.flags[0].summary).toMatch(
      /^1 IPv6 network counted with the IPv4 network of the same provider.*2 moves between IPv4 and IPv6 not counted as travel$/,
    );

    // A provider may route its IPv6 through another ASN (Orange: AS3215 and AS5511): the same organisation.
    const otherAsn = scoreAccount(
      [start(minutesAgo(30), '80.8.12.34', PARIS, { endedAt: null }), v6(minutesAgo(20), LYON, { endedAt: null, asn: 5511 })],
      NOW,
      {
        travelAvailable: true,
      },
    );
    expect(otherAsn.evidence).toEqual([]);
    // IPv6 of another provider is another household.
    const other = scoreAccount(
      [
        start(minutesAgo(30), '80.8.12.34', PARIS, { endedAt: null }),
        v6(minutesAgo(20), LYON, { endedAt: null, asn: 12322, organisation: 'Free SAS' }),
      ],
      NOW,
      { travelAvailable: true },
    );
    expect(other.networks24h).toBe(2);
    expect(other.evidence.map((e) => e.signal)).toContain('concurrent-networks');
  });

  it('counts a mobile carrier once and never scores travel between its addresses', () => {
    const mobile = { asn: 21928, organisation: 'T-Mobile USA, Inc.', kind: 'mobile' as const };
    const signals = scoreAccount(
      [
        start(minutesAgo(30), '24.221.5.6', ATLANTA, mobile),
        start(minutesAgo(20), '65.76.5.6', SEATTLE, mobile),
        start(minutesAgo(10), '24.221.9.9', ATLANTA, mobile),
      ],
      NOW,
      { travelAvailable: true },
    );
    expect(signals.networks24h).toBe(1);
    expect(signals.score).toBe(0);
    const flag = signals.flags.find((f) => f.flag === 'mobile-grouped')!;
    expect(flag.details).toMatchObject({ starts: 3, prefixes: 3, travelSkipped: 2 });
  });

  it('flags hosting and VPN starts and scores none of them', () => {
    const vpn = { asn: 14061, organisation: 'DigitalOcean, LLC', kind: 'hosting' as const };
    const signals = scoreAccount(
      [
        start(minutesAgo(3), '80.8.12.34', PARIS),
        start(minutesAgo(2), '104.131.0.10', ATLANTA, vpn),
        start(minutesAgo(1), '80.8.12.35', PARIS),
      ],
      NOW,
      { travelAvailable: true },
    );
    expect(signals.score).toBe(0);
    expect(signals.networks24h).toBe(1);
    expect(signals.countries24h).toBe(1);
    expect(signals.flags).toEqual([
      expect.objectContaining({ flag: 'hosting', details: { starts: 1, asns: [{ asn: 14061, organisation: 'DigitalOcean, LLC' }] } }),
    ]);
  });

  it('scores streams running at the same time on different networks; an ended one does not overlap', () => {
    const open = { endedAt: null };
    const together = scoreAccount(
      [start(minutesAgo(20), '80.8.12.34', PARIS, open), start(minutesAgo(10), '80.9.1.2', VERSAILLES, open)],
      NOW,
      { travelAvailable: true },
    );
    expect(together.evidence).toEqual([
      expect.objectContaining({
        signal: 'concurrent-networks',
        points: 15,
        details: expect.objectContaining({ networks: ['80.8.12.0/24', '80.9.1.0/24'] }),
      }),
    ]);
    const oneAfterTheOther = scoreAccount(
      [start(minutesAgo(20), '80.8.12.34', PARIS, { endedAt: minutesAgo(15) }), start(minutesAgo(10), '80.9.1.2', VERSAILLES, open)],
      NOW,
      { travelAvailable: true },
    );
    expect(oneAfterTheOther.score).toBe(0);
  });

  it('scores new devices beyond 3 in 7 days, networks beyond 2 in 24 h, and caps the score at 100', () => {
    const starts = Array.from({ length: 8 }, (_, i) =>
      start(minutesAgo(100 - i * 10), `81.${i}.1.1`, i % 2 === 0 ? PARIS : SYDNEY, {
        deviceId: `d${i}`,
        endedAt: null,
        country: i % 2 === 0 ? 'FR' : 'AU',
      }),
    );
    const signals = scoreAccount(starts, NOW, { travelAvailable: true });
    expect(signals.devicesNew7d).toBe(8);
    expect(signals.evidence.find((e) => e.signal === 'new-devices')?.points).toBe(20);
    expect(signals.evidence.find((e) => e.signal === 'networks-24h')?.points).toBe(30);
    expect(signals.evidence.filter((e) => e.signal === 'impossible-travel').map((e) => e.points)).toEqual([25, 25, 0, 0, 0, 0, 0]);
    expect(signals.score).toBe(100);
    // Every point has its evidence.
    expect(signals.evidence.every((e) => e.summary.length > 0)).toBe(true);
  });

  it('says when travel could not be computed', () => {
    const signals = scoreAccount([start(minutesAgo(2), '80.8.12.34', PARIS), start(minutesAgo(1), '58.160.12.34', SYDNEY)], NOW, {
      travelAvailable: false,
    });
    expect(signals.evidence.map((e) => e.signal)).toEqual(['countries-24h']);
    expect(signals.flags.map((f) => f.flag)).toEqual(['travel-unavailable']);
  });
});

describe('network kind', () => {
  it.each([
    [21928, 'T-Mobile USA, Inc.', 'mobile'],
    [9999999, 'Some Wireless Carrier', 'mobile'],
    [14061, 'DigitalOcean, LLC', 'hosting'],
    [9999998, 'Example Hosting Ltd', 'hosting'],
    [9999997, 'Acme VPN Services', 'hosting'],
    [3215, 'Orange S.A.', 'fixed'],
    [1221, 'Telstra Limited', 'fixed'],
    [null, null, 'fixed'],
  ])('AS%s %s is %s', (asn, name, kind) => {
    expect(networkKind(asn, name)).toBe(kind);
  });
});
