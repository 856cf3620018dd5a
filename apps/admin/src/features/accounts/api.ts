import { api, type Schemas, unwrap } from '../../api/client';

export type AccountSessions = Schemas['AccountSessionsDto'];
export type AccountSession = Schemas['AccountSessionDto'];

export const accountsApi = {
  sessions: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/sessions', { params: { path: { idp, subject } } })),
  kill: (id: string) => unwrap(api.DELETE('/api/v1/sessions/{id}', { params: { path: { id } } })),
};
