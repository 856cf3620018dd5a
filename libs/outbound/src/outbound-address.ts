import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is an ordinary public unicast address: not loopback, private (RFC 1918), link-local (cloud
 * metadata at 169.254.169.254), unique-local (fd00::/8, AWS's fd00:ec2::254), carrier-grade NAT (100.64/10,
 * Alibaba's metadata), unspecified, multicast, broadcast, reserved or documentation ranges, nor an IPv6 form that
 * carries an IPv4 address (mapped, NAT64, 6to4, Teredo). The ranges are ipaddr.js's; only its `unicast` passes.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) into the IPv4 address it carries.
  return ipaddr.process(address).range() === 'unicast';
}

/** The range ipaddr.js puts an address in (`loopback`, `private`, `linkLocal`…), for messages. */
export function addressRange(address: string): string {
  return ipaddr.isValid(address) ? ipaddr.process(address).range() : 'invalid';
}
