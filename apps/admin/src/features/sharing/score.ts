import type { Evidence, Flag, TimelineEntry } from './api';

/** A score's grade: the colour of its badge and the word a screen reader (and a colour-blind operator) gets. */
export function scoreGrade(score: number): { color: string; label: string } {
  if (score >= 75) return { color: 'red', label: 'high' };
  if (score >= 50) return { color: 'orange', label: 'elevated' };
  if (score >= 25) return { color: 'yellow', label: 'moderate' };
  if (score > 0) return { color: 'blue', label: 'low' };
  return { color: 'gray', label: 'none' };
}

const SIGNAL_LABELS: Record<Evidence['signal'], string> = {
  'impossible-travel': 'Impossible travel',
  'concurrent-networks': 'Streams at once on several networks',
  'countries-24h': 'Countries in 24 hours',
  'countries-30d': 'Countries in 30 days',
  'networks-24h': 'Networks in 24 hours',
  'networks-30d': 'Networks in 30 days',
  'new-devices': 'New devices in 7 days',
};

export const signalLabel = (signal: string): string => SIGNAL_LABELS[signal as Evidence['signal']] ?? signal;

const FLAG_LABELS: Record<string, string> = {
  hosting: 'Hosting / VPN',
  'mobile-grouped': 'Mobile carrier grouped',
  'dual-stack': 'Dual-stack home',
  'same-network-places': 'Same network, two places',
  'travel-unavailable': 'Travel not computed',
};

export const flagLabel = (flag: Flag['flag']): string => FLAG_LABELS[flag] ?? flag;

/** The evidence that weighs most (the list shows it), highest points first as the server sends them. */
export const topEvidence = (evidence: Evidence[]): Evidence | undefined => [...evidence].sort((a, b) => b.points - a.points)[0];

/** "Sydney, AU", "AU" or "Unknown place". */
export function placeOf(entry: { city?: string | null; country?: string | null }): string {
  return [entry.city, entry.country].filter(Boolean).join(', ') || 'Unknown place';
}

/** "AS1221 Telstra Limited", "AS1221" or "Unknown network operator". */
export function operatorOf(entry: { asn?: number | null; organisation?: string | null }): string {
  const asn = entry.asn ? `AS${entry.asn}` : '';
  return [asn, entry.organisation].filter(Boolean).join(' ') || 'Unknown network operator';
}

const KIND: Record<TimelineEntry['kind'], { label: string; color: string } | undefined> = {
  fixed: undefined,
  mobile: { label: 'Mobile', color: 'blue' },
  hosting: { label: 'Hosting / VPN', color: 'orange' },
};

/** The badge a start's network kind gets (a home line gets none). */
export const kindBadge = (kind: TimelineEntry['kind']) => KIND[kind];

/** One side of an impossible-travel pair, as the evidence details give it. */
export interface TravelPlace {
  at: string;
  address?: string | null;
  networkId?: string | null;
  city?: string | null;
  country?: string | null;
  asn?: number | null;
  organisation?: string | null;
}

/** The two places of an impossible-travel evidence, when its details have them. */
export function travelOf(e: Evidence): { from: TravelPlace; to: TravelPlace; distanceKm?: number; speedKmh?: number } | undefined {
  if (e.signal !== 'impossible-travel') return undefined;
  const d = e.details as { from?: TravelPlace; to?: TravelPlace; distanceKm?: number; speedKmh?: number };
  if (!d.from?.at || !d.to?.at) return undefined;
  return { from: d.from, to: d.to, distanceKm: d.distanceKm, speedKmh: d.speedKmh };
}
