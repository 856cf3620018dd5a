import { isIPv4, isIPv6 } from 'node:net';
import { Worker } from 'node:worker_threads';

/**
 * Country and autonomous system of an IP address, from the IP databases shipped as npm packages (docs/households.md):
 * `@ip-location-db/geo-whois-asn-country` (country; CC BY 4.0, NRO) and `@ip-location-db/asn` (ASN; CC BY 4.0,
 * RouteViews and DB-IP). Their `*-num.csv` files list ranges as `first,last,value` with addresses as integers, in
 * order. They are read once per process into typed arrays (about 25 MB) and searched by bisection.
 *
 * IPv6 ranges are kept by their upper 64 bits: allocations are never finer than a /64, and the service only asks
 * about networks (/56).
 */

interface Ranges<T> {
  first: T;
  last: T;
}

interface Table {
  v4: Ranges<Uint32Array> & { values: Uint32Array };
  v6: Ranges<BigUint64Array> & { values: Uint32Array };
}

export interface IpFacts {
  /** ISO 3166 alpha-2 country code, or null when the address is in no range (private, reserved, unallocated). */
  country: string | null;
  /** Autonomous system number, or null when unknown. */
  asn: number | null;
}

const unpackCountry = (packed: number) => String.fromCharCode(packed >> 8, packed & 0xff);
const HIGH_64 = (1n << 64n) - 1n;

/** Parses `first,last,value[,...]` lines; value kept by `valueOf` (the third field, unquoted). */
function parse(text: string, v6: boolean, valueOf: (field: string) => number): Table['v4'] | Table['v6'] {
  const lines = text.split('\n');
  const count = lines.length;
  const first = v6 ? new BigUint64Array(count) : new Uint32Array(count);
  const last = v6 ? new BigUint64Array(count) : new Uint32Array(count);
  const values = new Uint32Array(count);
  let n = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    const field = line.slice(b + 1, c === -1 ? undefined : c);
    if (v6) {
      (first as BigUint64Array)[n] = (BigInt(line.slice(0, a)) >> 64n) & HIGH_64;
      (last as BigUint64Array)[n] = (BigInt(line.slice(a + 1, b)) >> 64n) & HIGH_64;
    } else {
      (first as Uint32Array)[n] = Number(line.slice(0, a));
      (last as Uint32Array)[n] = Number(line.slice(a + 1, b));
    }
    values[n] = valueOf(field);
    n += 1;
  }
  return v6
    ? { first: (first as BigUint64Array).slice(0, n), last: (last as BigUint64Array).slice(0, n), values: values.slice(0, n) }
    : { first: (first as Uint32Array).slice(0, n), last: (last as Uint32Array).slice(0, n), values: values.slice(0, n) };
}

/** Index of the range holding `x`, or -1. */
function search<T extends number | bigint>(ranges: { first: ArrayLike<T>; last: ArrayLike<T> }, x: T): number {
  let lo = 0;
  let hi = ranges.first.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges.first[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== -1 && x <= ranges.last[found] ? found : -1;
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The 8 groups of an IPv6 address (embedded IPv4 tails converted), as numbers. */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = ipv4ToNumber(tail[1]);
    text = `${text.slice(0, tail.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

export class IpDatabase {
  private constructor(
    private readonly country: Table,
    private readonly asn: Table,
  ) {}

  private static loading: Promise<IpDatabase> | undefined;

  /** The shared database of this process, read on first use. */
  static shared(): Promise<IpDatabase> {
    // A failed read is kept too: every init would otherwise retry reading ~100 MB of files.
    IpDatabase.loading ??= IpDatabase.load();
    return IpDatabase.loading;
  }

  /**
   * Reads and parses the CSV files in a worker thread and takes over its typed arrays (transferred, not copied): the
   * ~200 MB of text and numbers parsing makes never enter this thread's heap (docs/design-notes.md has the heartbeat
   * figures with the parse in this thread, in a worker, and without the databases).
   */
  private static async load(): Promise<IpDatabase> {
    const files = {
      c4: require.resolve('@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv'),
      c6: require.resolve('@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv6-num.csv'),
      a4: require.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
      a6: require.resolve('@ip-location-db/asn/asn-ipv6-num.csv'),
    };
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const parse = ${parse.toString()};
      const HIGH_64 = (1n << 64n) - 1n;
      const country = (field) => { const c = field.trim().toUpperCase(); return (c.charCodeAt(0) << 8) | c.charCodeAt(1); };
      const asn = (field) => Number(field) || 0;
      const read = (name) => readFileSync(workerData[name], 'utf8');
      const tables = {
        country: { v4: parse(read('c4'), false, country), v6: parse(read('c6'), true, country) },
        asn: { v4: parse(read('a4'), false, asn), v6: parse(read('a6'), true, asn) },
      };
      const buffers = [];
      for (const t of Object.values(tables)) for (const r of Object.values(t)) buffers.push(r.first.buffer, r.last.buffer, r.values.buffer);
      parentPort.postMessage(tables, buffers);
    `;
    const tables = await new Promise<{ country: Table; asn: Table }>((resolve, reject) => {
      const worker = new Worker(script, { eval: true, workerData: files });
      // The parse never keeps a process alive that is shutting down (or a test that is done).
      worker.unref();
      worker.once('message', (message: { country: Table; asn: Table }) => {
        resolve(message);
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the IP database worker exited with code ${code}`)));
    });
    return new IpDatabase(tables.country, tables.asn);
  }

  /** Facts of a normalised address (`normalizeAddress`); unknown parts are null. */
  lookup(address: string): IpFacts {
    if (isIPv4(address)) {
      const x = ipv4ToNumber(address);
      return this.facts(search(this.country.v4, x), search(this.asn.v4, x), this.country.v4.values, this.asn.v4.values);
    }
    if (isIPv6(address)) {
      const groups = ipv6Groups(address);
      const x = groups.slice(0, 4).reduce((n, g) => (n << 16n) | BigInt(g), 0n);
      return this.facts(search(this.country.v6, x), search(this.asn.v6, x), this.country.v6.values, this.asn.v6.values);
    }
    return { country: null, asn: null };
  }

  private facts(c: number, a: number, countries: Uint32Array, asns: Uint32Array): IpFacts {
    const asn = a === -1 ? 0 : asns[a];
    return { country: c === -1 ? null : unpackCountry(countries[c]), asn: asn === 0 ? null : asn };
  }
}
