import { api, type Schemas, unwrap } from '../../api/client';

export type AccountSessions = Schemas['AccountSessionsDto'];
export type AccountSession = Schemas['AccountSessionDto'];
export type Decision = Schemas['DecisionDto'];

export const accountsApi = {
  sessions: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/sessions', { params: { path: { idp, subject } } })),
  decisions: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/decisions', { params: { path: { idp, subject } } })),
  recentDecisions: (query: { limit?: number; tenantId?: string }) => unwrap(api.GET('/api/v1/usage/decisions', { params: { query } })),
  kill: (id: string) => unwrap(api.DELETE('/api/v1/sessions/{id}', { params: { path: { id } } })),
};

/** The console address of an account's look-up. */
export const accountHref = (idp: string, subject: string) => `/accounts?${new URLSearchParams({ idp, subject }).toString()}`;
