import { isIP } from 'node:net';

/** How far to trust `X-Forwarded-For`: not at all, the last N hops, or proxies at these addresses. */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);
const OFF = new Set(['', 'false', 'off', 'no', '0']);

function validEntry(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses CM_TRUST_PROXY: off (`false`, `0`, empty: the socket's address is the client, `X-Forwarded-For` ignored),
 * a hop count (`1`: one reverse proxy in front, trust its `X-Forwarded-For` entry), or a comma-separated list of
 * proxy addresses / CIDRs (and `loopback`, `linklocal`, `uniquelocal`). Both adapters use the same rule
 * (proxy-addr), so `request.ip` — used by login limits and logs — is the client behind the proxy.
 * Returns null when the value is none of these.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy | null {
  const value = (raw ?? '').trim().toLowerCase();
  if (OFF.has(value)) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 32 ? hops : null;
  }
  const entries = value.split(',').map((e) => e.trim());
  return entries.every(validEntry) ? entries : null;
}

/**
 * The setting as both adapters take it. A hop count becomes proxy-addr's own rule for it (trust the `hops` nearest
 * addresses), given as a function: Fastify 5 no longer reads a number (it would ignore the header).
 */
export function adapterTrustProxy(setting: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}
