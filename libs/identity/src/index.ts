import { ApiTokenEntity } from './api-token.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { LoginFailureEntity } from './login-attempt.entity';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';

export { IdentityModule } from './identity.module';
export { Authenticator } from './authenticator';
export { type Actor, type SystemActor, type Role, ROLES, canAccessTenant, visibleTenants } from './actor';
export { ManagementController, Roles, Public, CurrentActor, AllowPendingPasswordChange } from './decorators';
export { AuditService, type AuditEntry } from './audit.service';
export { OperatorsService, type Operator, type CreateOperatorInput } from './operators.service';
export { FirstOperatorSeeder, DEFAULT_ADMIN_EMAIL, type FirstOperator, type FirstOperatorOptions } from './first-operator';
export { COOKIE_SCHEME, BEARER_SCHEME } from './decorators';
export { SESSION_COOKIE } from './request';
export { WithHeaders, csvReply, csvText } from './management-reply';
export { IdentityError, IdentityErrorCode, IDENTITY_ERROR_STATUS } from './identity.errors';
export { TENANT_REGISTRY, type TenantRegistry } from './tenant-registry.port';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const IDENTITY_ENTITIES = [OperatorEntity, OperatorSessionEntity, ApiTokenEntity, LoginFailureEntity, AuditEntryEntity];
