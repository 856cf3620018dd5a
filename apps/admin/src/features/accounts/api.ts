import { api, type Schemas, unwrap } from '../../api/client';

export type AccountSessions = Schemas['AccountSessionsDto'];
export type AccountSession = Schemas['AccountSessionDto'];
export type Decision = Schemas['DecisionDto'];
export type AccountDevice = Schemas['AccountDeviceDto'];
export type AccountNetworks = Schemas['AccountNetworksDto'];
export type TenantNetworks = Schemas['TenantNetworksDto'];

export const accountsApi = {
  sessions: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/sessions', { params: { path: { idp, subject } } })),
  decisions: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/decisions', { params: { path: { idp, subject } } })),
  recentDecisions: (query: { limit?: number; tenantId?: string }) => unwrap(api.GET('/api/v1/usage/decisions', { params: { query } })),
  kill: (id: string) => unwrap(api.DELETE('/api/v1/sessions/{id}', { params: { path: { id } } })),
  devices: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/devices', { params: { path: { idp, subject } } })),
  removeDevice: (idp: string, subject: string, deviceId: string) =>
    unwrap(api.DELETE('/api/v1/subjects/{idp}/{subject}/devices/{deviceId}', { params: { path: { idp, subject, deviceId } } })),
  networks: (idp: string, subject: string) =>
    unwrap(api.GET('/api/v1/subjects/{idp}/{subject}/networks', { params: { path: { idp, subject } } })),
  /** Home networks are per tenant: this one tenant's. */
  setHomeNetwork: (idp: string, subject: string, tenantId: string, networkId: string | null) =>
    unwrap(api.PUT('/api/v1/subjects/{idp}/{subject}/home-network', { params: { path: { idp, subject } }, body: { networkId, tenantId } })),
};

/** The console address of an account's look-up. */
export const accountHref = (idp: string, subject: string) => `/accounts?${new URLSearchParams({ idp, subject }).toString()}`;
