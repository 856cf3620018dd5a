import { api, unwrap } from '../../api/client';

/*
 * The usage routes answer shapes the OpenAPI document does not describe yet (no response DTOs in libs/usage):
 * these mirror libs/usage/src/live-usage.service.ts and usage-history.service.ts.
 */
export const COUNTERS = ['started', 'denied', 'dismissed', 'killed', 'stopped', 'expired'] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export interface LiveSnapshot {
  at: string;
  running: number;
  byApplication: Array<{ applicationId: string; applicationName: string; tenantId: string; running: number; lastMinute: Counters }>;
  byPolicy: Array<{ policyId: string; policyName: string; tenantId: string; running: number }>;
  lastMinute: Counters;
}

export type Granularity = 'minute' | 'hour' | 'day';

export interface HistoryBucket extends Counters {
  start: string;
  applicationId: string;
  applicationName: string;
  tenantId: string;
  peakRunning: number;
}

export interface HistoryPage {
  granularity: Granularity;
  from: string;
  to: string;
  buckets: HistoryBucket[];
}

export interface HistoryQuery {
  from: string;
  to?: string;
  granularity: Granularity;
  applicationId?: string;
}

export const STREAM_URL = '/api/v1/usage/stream';

export function historyCsvUrl(query: HistoryQuery): string {
  const params = new URLSearchParams({ from: query.from, granularity: query.granularity, format: 'csv' });
  if (query.to) params.set('to', query.to);
  if (query.applicationId) params.set('applicationId', query.applicationId);
  return `/api/v1/usage/history?${params.toString()}`;
}

export const usageApi = {
  live: () => unwrap(api.GET('/api/v1/usage/live')) as Promise<unknown> as Promise<LiveSnapshot>,
  history: (query: HistoryQuery) =>
    unwrap(
      api.GET('/api/v1/usage/history', {
        params: {
          query: { from: query.from, to: query.to, granularity: query.granularity, applicationId: query.applicationId, format: 'json' },
        },
      }),
    ) as Promise<unknown> as Promise<HistoryPage>,
};
