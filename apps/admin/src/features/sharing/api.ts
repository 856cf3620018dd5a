import type { paths } from '@cm/api-types';
import { api, type Schemas, unwrap } from '../../api/client';

/* Every sharing type comes from the OpenAPI document (libs/sharing/src/dto/sharing.dto.ts, `npm run openapi`). */
export type SharingAccount = Schemas['SharingAccountDto'];
export type SharingAccountDetail = Schemas['SharingAccountDetailDto'];
export type SharingPage = Schemas['SharingAccountsPageDto'];
export type Evidence = Schemas['EvidenceDto'];
export type Flag = Schemas['FlagDto'];
export type TimelineEntry = Schemas['TimelineEntryDto'];
/** The list's query as the console asks it (JSON; the CSV link adds format=csv). */
export type SharingQuery = Omit<NonNullable<paths['/api/v1/sharing/accounts']['get']['parameters']['query']>, 'format'>;

/** The download link of the list with the same filters (CSV; at most 200 rows, from the first). */
export function sharingCsvUrl(query: SharingQuery): string {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [key, value] of Object.entries({ ...query, limit: 200, offset: undefined })) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return `/api/v1/sharing/accounts?${params.toString()}`;
}

const json = { accept: 'application/json' };

export const sharingApi = {
  /** format=json: the route's JSON answer (its other media type, CSV, is the download link's). */
  list: async (query: SharingQuery) =>
    (await unwrap(api.GET('/api/v1/sharing/accounts', { params: { query: { ...query, format: 'json' }, header: json } }))) as SharingPage,
  detail: (idp: string, subject: string, tenantId?: string) =>
    unwrap(
      api.GET('/api/v1/sharing/accounts/{idp}/{subject}', {
        params: { path: { idp, subject }, query: tenantId ? { tenantId } : {} },
      }),
    ),
  review: (idp: string, subject: string, body: { tenantId?: string; note?: string }) =>
    unwrap(api.POST('/api/v1/sharing/accounts/{idp}/{subject}/review', { params: { path: { idp, subject } }, body })),
};

/** The console address of an account's sharing detail. */
export const sharingAccountHref = (a: { idp: string; subject: string; tenantId?: string }) =>
  `/sharing/account?${new URLSearchParams({ idp: a.idp, subject: a.subject, ...(a.tenantId ? { tenantId: a.tenantId } : {}) }).toString()}`;
