export {
  bindMedia,
  MediaBinding,
  type Denial,
  type MediaBindingEvents,
  type MediaBindingOptions,
  type MediaBindingState,
  type StopReason,
} from './media-binding';
export { elementTarget, switchingTarget, type MediaEventName, type MediaTarget, type SwitchingTarget } from './media-target';
// What a page needs with the binding, so one import (or one script tag) is enough.
export { ConcurrencyClient, type ConcurrencyClientOptions } from '../concurrency-client';
export type { Conflict } from '../advice';
export { ConcurrencyError } from '../errors';
