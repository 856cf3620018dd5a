/** `channel=news, deviceId=tv` (commas, semicolons or new lines between pairs) → { channel: 'news', deviceId: 'tv' }. */
export function parseMetadata(text: string): { metadata: Record<string, string>; error?: string } {
  const metadata: Record<string, string> = {};
  for (const part of text.split(/[,;\n]+/)) {
    const pair = part.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { metadata, error: `"${pair}" is not attribute=value` };
    metadata[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return { metadata };
}

export const formatMetadata = (metadata: Record<string, string>) =>
  Object.entries(metadata)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

const CLAIM_PREFIX = 'claims.';

/** `claims.tier=premium` pairs are the stream's entitlement claims: the simulator takes them apart from metadata. */
export function splitClaims(pairs: Record<string, string>): { metadata: Record<string, string>; claims?: Record<string, string> } {
  const metadata: Record<string, string> = {};
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(pairs)) {
    if (key.startsWith(CLAIM_PREFIX)) claims[key.slice(CLAIM_PREFIX.length)] = value;
    else metadata[key] = value;
  }
  return Object.keys(claims).length > 0 ? { metadata, claims } : { metadata };
}
