import { SHARING_ENTITIES as ENTITIES } from './sharing.entities';

export { SharingModule } from './sharing.module';
export type { SharingOptions } from './sharing.options';
export { SharingRecorder, SHARING_WINDOW_DAYS } from './sharing-recorder';
export { scoreAccount, distanceKm, WEIGHTS, type SharingStart, type SharingSignals, type Evidence, type Flag } from './scoring';
export { networkKind, type NetworkKind } from './network-kind';
export { SharingError, SharingErrorCode, SHARING_ERROR_STATUS } from './sharing.errors';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const SHARING_ENTITIES = ENTITIES;
