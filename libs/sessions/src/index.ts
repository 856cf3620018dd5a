import { SessionEntity } from './session.entity';

export { SessionsModule } from './sessions.module';
export { SessionsService } from './sessions.service';
export { ExpirySweeper } from './expiry-sweeper';
export { Clock } from './clock';
export { CmError, CmErrorCode, CM_ERROR_STATUS } from './sessions.errors';
export { AccountsError, AccountsErrorCode, ACCOUNTS_ERROR_STATUS } from './accounts.errors';
export { OPERATOR_CONSOLE } from './accounts.service';
export { isConnectionFailure, SessionStoreUnavailableError } from './store-unavailable.error';
export type { SessionsOptions } from './sessions.options';
export { SessionEvents, type SessionStartedEvent, type SessionDeniedEvent, type SessionEndedEvent } from './session.events';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const SESSION_ENTITIES = [SessionEntity];
