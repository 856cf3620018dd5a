import { SessionEntity } from './session.entity';

export { SessionsModule } from './sessions.module';
export { ExpirySweeper } from './expiry-sweeper';
export { Clock } from './clock';
export { setExactHeader } from './cm-reply';
export { CmError, CmErrorCode, CM_ERROR_STATUS } from './sessions.errors';
export { AccountsError, AccountsErrorCode, ACCOUNTS_ERROR_STATUS } from './accounts.errors';
export { OPERATOR_CONSOLE } from './accounts.service';
export { isConnectionFailure, SessionStoreUnavailableError } from './store-unavailable.error';
export type { SessionsOptions, SessionStoreOptions } from './sessions.options';
export { SESSION_RECORDS, SESSION_STORE, type SessionRecords, type SessionStore } from './session-store.port';
export { SESSIONS_PG_POOLS, type SessionsPgPools } from './postgres/pg-sessions';
export type { RedisStoreOptions } from './redis/redis-connection';
/** The Redis key layout, for tools and tests that look beneath the API. */
export { BUCKETS, bucketOf, hashSlot, RedisKeys } from './redis/redis-keys';
export { SessionEvents, type SessionStartedEvent, type SessionDeniedEvent, type SessionEndedEvent } from './session.events';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const SESSION_ENTITIES = [SessionEntity];
