export {
  ConcurrencyClient,
  type ConcurrencyClientOptions,
  type RemoveDeviceResult,
  type StartRequest,
  type StartResult,
} from './concurrency-client';
export { PlaybackSession, type PlaybackSessionEvents, type SessionState, type StopResult } from './playback-session';
export { ConcurrencyError, type ConcurrencyErrorKind } from './errors';
export type { Conflict } from './advice';
export type { FetchLike } from './transport';
export { TypedEmitter } from './typed-emitter';
export { verifyPlaybackToken, PlaybackTokenError, type PlaybackTokenFailure, type VerifyPlaybackTokenOptions } from './playback-token';
export type {
  DeviceLimitAdvice,
  DeviceRemovedAdvice,
  DevicesBody,
  PlaybackTokenClaims,
  RegisteredDevice,
  SwapLimitAdvice,
} from '@cm/contracts';
