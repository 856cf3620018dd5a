import { HOUSEHOLD_ENTITIES } from './households.entities';

export { HouseholdsModule } from './households.module';
export { DevicesService, DEVICE_LAST_SEEN_BUFFER, type DeviceAdmission, type DevicePolicy, type DeviceRemoval } from './devices.service';
export {
  NetworksService,
  type ClientNetwork,
  type NetworksOverview,
  HOME_WINDOW_DAYS,
  NETWORK_COUNTS_BUFFER,
  UNKNOWN_ASN,
  UNKNOWN_COUNTRY,
} from './networks.service';
export { HouseholdsRetention } from './households-retention';
export { HouseholdsError, HouseholdsErrorCode, HOUSEHOLDS_ERROR_STATUS } from './households.errors';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const HOUSEHOLDS_ENTITIES = HOUSEHOLD_ENTITIES;
