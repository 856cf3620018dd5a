/**
 * The kind of network an autonomous system is, for the false positives of sharing signals (docs/sharing.md):
 * - `hosting`: clouds, hosting companies, CDNs and VPN/proxy services. A start from one is not where the viewer is:
 *   flagged, never scored.
 * - `mobile`: mobile carriers. A phone's address moves across the carrier's ranges (which the databases place in
 *   far-apart cities): all its starts count as one network per ASN, and travel between two of them is not scored.
 * - `fixed`: everything else (home and office lines).
 *
 * From the ASN's organisation name (`@ip-location-db/asn`) and a short curated list of well-known ASNs. A list cannot
 * be complete: an unknown VPN or carrier is `fixed` (it may score; an operator reviews the evidence).
 */
export type NetworkKind = 'fixed' | 'mobile' | 'hosting';

/** Clouds, hosting, CDNs and VPN providers whose names do not say so. */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509,
  14618,
  8987, // Amazon (AWS)
  15169,
  396982,
  19527, // Google, Google Cloud
  8075,
  8068,
  8069, // Microsoft (Azure)
  14061, // DigitalOcean
  16276, // OVH
  24940,
  213230, // Hetzner
  63949, // Akamai Connected Cloud (Linode)
  20473, // Vultr (Choopa)
  9009, // M247 (many VPN exits)
  60068,
  212238, // Datacamp / CDN77 (many VPN exits)
  13335,
  209242, // Cloudflare (WARP)
  31898, // Oracle Cloud
  45102,
  37963, // Alibaba
  132203, // Tencent
  12876, // Scaleway
  51167, // Contabo
  60781,
  28753,
  16265, // Leaseweb
  36352, // ColoCrossing
  46606, // Unified Layer
  55286, // B2 Net (server.net)
  136787,
  147049, // TEFINCOM (NordVPN), PacketHub
  39351, // 31173 Services (Mullvad)
]);

/** Mobile carriers whose names do not say so. */
export const MOBILE_ASNS: ReadonlySet<number> = new Set([
  21928, // T-Mobile USA
  22394,
  6167, // Verizon Wireless (Cellco)
  20057, // AT&T Mobility
  10507, // Sprint
  51207, // Free Mobile
  5410, // Bouygues Telecom
  25135, // Vodafone UK (mobile)
  12430, // Vodafone Spain
  3209, // Vodafone Germany
  9808, // China Mobile
  45609, // Bharti Airtel mobile
  55836, // Reliance Jio
  4804, // Optus
]);

const HOSTING_NAME =
  /\b(hosting|hostinger|server|servers|cloud|data ?cent(?:er|re)|datacamp|colo(?:cation)?|vps|vpn|proxy|cdn|amazon|aws|google cloud|microsoft|azure|digitalocean|digital ocean|ovh|hetzner|linode|akamai|vultr|choopa|m247|leaseweb|contabo|scaleway|oracle|alibaba|tencent|nordvpn|mullvad|private internet access|expressvpn|surfshark|packethub|tefincom)\b/i;
const MOBILE_NAME = /\b(mobile|mobil|mobility|wireless|cellular|cellco|gsm|lte|5g|4g|3g)\b/i;

export function networkKind(asn: number | null, organisation: string | null): NetworkKind {
  if (asn !== null && HOSTING_ASNS.has(asn)) return 'hosting';
  if (asn !== null && MOBILE_ASNS.has(asn)) return 'mobile';
  if (organisation) {
    if (MOBILE_NAME.test(organisation)) return 'mobile';
    if (HOSTING_NAME.test(organisation)) return 'hosting';
  }
  return 'fixed';
}
