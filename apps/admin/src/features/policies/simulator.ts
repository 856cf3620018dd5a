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

/** `tv=Living room TV, phone` → the registered devices the simulator takes, in order (name optional). */
export function parseDevices(text: string): { devices: Array<{ deviceId: string; name?: string }>; error?: string } {
  const devices: Array<{ deviceId: string; name?: string }> = [];
  const seen = new Set<string>();
  for (const part of text.split(/[,;\n]+/)) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const deviceId = (eq < 0 ? item : item.slice(0, eq)).trim();
    const name = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (!deviceId) return { devices, error: `"${item}" has no device id` };
    if (seen.has(deviceId)) return { devices, error: `${deviceId} is given twice` };
    seen.add(deviceId);
    devices.push(name ? { deviceId, name } : { deviceId });
  }
  return { devices };
}
