export { ConcurrencyClient, type ConcurrencyClientOptions, type StartRequest, type StartResult } from './concurrency-client';
export { PlaybackSession, type PlaybackSessionEvents, type SessionState, type StopResult } from './playback-session';
export { ConcurrencyError, type ConcurrencyErrorKind } from './errors';
export type { Conflict } from './advice';
export type { FetchLike } from './transport';
export { TypedEmitter } from './typed-emitter';
