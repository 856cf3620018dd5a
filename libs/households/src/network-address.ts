import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Groups } from './ip-database';

/**
 * The client's address as the service keeps it: IPv4 dotted, IPv6 lower-case and compressed; an IPv4 address
 * mapped into IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports) is the IPv4 address. Null when `raw` is
 * no IP address.
 */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const text = raw.trim();
  if (isIPv4(text)) return text;
  if (!isIPv6(text)) return null;
  const groups = ipv6Groups(text);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
  }
  return formatIpv6(groups);
}

/** RFC 5952 text of 8 groups: lower case, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/**
 * The network an address belongs to, as `network.id`: its /24 for IPv4 (`203.0.113.0/24`), its /56 for IPv6
 * (`2001:db8:12:3400::/56`) — the prefix a home connection keeps while its own address changes.
 */
export function networkPrefix(address: string): string {
  if (isIPv4(address)) {
    const [a, b, c] = address.split('.');
    return `${a}.${b}.${c}.0/24`;
  }
  const groups = ipv6Groups(address);
  const masked = [groups[0], groups[1], groups[2], groups[3] & 0xff00, 0, 0, 0, 0];
  return `${formatIpv6(masked)}/56`;
}
