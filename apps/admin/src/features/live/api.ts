import type { paths } from '@cm/api-types';
import { api, type Schemas, unwrap } from '../../api/client';

/* Every usage type comes from the OpenAPI document (libs/usage/src/dto/usage.dto.ts, `npm run openapi`). */
export type Counters = Schemas['CountersDto'];
export type Counter = keyof Counters;
export type LiveSnapshot = Schemas['LiveSnapshotDto'];
export type HistoryPage = Schemas['HistoryPageDto'];
export type HistoryBucket = Schemas['HistoryBucketDto'];
export type Granularity = HistoryPage['granularity'];
/** The history route's query, as the console asks it (JSON; the CSV link adds format=csv). */
export type HistoryQuery = Omit<NonNullable<paths['/api/v1/usage/history']['get']['parameters']['query']>, 'format'>;

/** The counters in the order the console lists and charts them. */
export const COUNTERS = ['started', 'denied', 'dismissed', 'killed', 'stopped', 'expired'] as const satisfies readonly Counter[];

export const STREAM_URL = '/api/v1/usage/stream';

export function historyCsvUrl(query: HistoryQuery): string {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return `/api/v1/usage/history?${params.toString()}`;
}

export const usageApi = {
  live: () => unwrap(api.GET('/api/v1/usage/live')),
  /** format=json: the route's JSON answer (its other media type, CSV, is the download link's). */
  history: async (query: HistoryQuery) =>
    (await unwrap(api.GET('/api/v1/usage/history', { params: { query: { ...query, format: 'json' } } }))) as HistoryPage,
};
