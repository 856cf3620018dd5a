import { ApplicationEntity } from './application.entity';
import { ConfigEpochEntity } from './config-epoch.entity';
import { TenantEntity } from './tenant.entity';

export { TenantsModule } from './tenants.module';
export { TenantsService, TENANT_SLUG_PATTERN, type Tenant, type TenantDeletionHook } from './tenants.service';
export {
  ApplicationsService,
  APPLICATION_ID_PATTERN,
  OPEN_APPLICATIONS_ALLOWED,
  HEARTBEAT_INTERVAL_RANGE,
  type Application,
  type ApplicationCredentials,
  type CreateApplicationInput,
  type UpdateApplicationInput,
  type ApplicationDeletionHook,
  type PlaybackTokensSettings,
} from './applications.service';
export { ENTITLEMENT_ALGORITHMS, type EntitlementsSettings } from './entitlements-settings';
export { ConfigEpochService, ConfigurationEvents, type ConfigurationChangedEvent } from './config-epoch.service';
export { TenantsError, TenantsErrorCode } from './tenants.errors';
export { secretMatches } from './secrets';
/** Request DTOs other libraries build on (configuration as code), so a field is declared and validated once. */
export { CreateApplicationDto, UpdateApplicationDto } from './dto/application.dto';
export { CreateTenantDto } from './dto/tenant.dto';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const TENANT_ENTITIES = [TenantEntity, ApplicationEntity, ConfigEpochEntity];
