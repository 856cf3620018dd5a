import {
  type AdviceBody,
  type DeviceRemovedAdvice,
  type Metadata,
  PLAYBACK_TOKEN_HEADER,
  type RemoteTerminationAdvice,
  type RuleViolationAdvice,
  type RunningStreamsBody,
} from '@cm/contracts';
import { type Conflict, conflictsOf, deviceRemoved, remoteTermination, ruleViolations } from './advice';
import { ConcurrencyError } from './errors';
import { type CmAnswer, type CmTransport, errorFor, retryAfterMs, serverWindowMs } from './transport';
import { TypedEmitter } from './typed-emitter';

/**
 * `playing`: heartbeats run. Every other state is final: `stopped` by `stop()`; `dismissed` (409) by the
 * policies; `terminated` (410 + remote-termination) by another stream or an operator, or (410 + device-removed)
 * because its device was removed from the account's registered devices; `expired` (410, 404 when the
 * server no longer knows the session, or no successful heartbeat before the server's expiry); `failed` (an answer retrying cannot change, e.g. 401).
 */
export type SessionState = 'playing' | 'stopped' | 'dismissed' | 'terminated' | 'expired' | 'failed';

export interface PlaybackSessionEvents {
  /**
   * A heartbeat was accepted. Times are by the server's clock (Expires − Date of the answer). `playbackToken`: the
   * new token, when the application has playback tokens (also `session.playbackToken`).
   */
  heartbeat: { expiresInMs: number; nextHeartbeatInMs: number; playbackToken?: string };
  /** 409: the stream no longer complies (a limit was lowered, or a newer stream took its place). Stop playback. */
  dismissed: { advice: RuleViolationAdvice[]; conflicts: Conflict[]; body: AdviceBody };
  /** 410 with a remote-termination advice: another stream ended this one through X-Terminate, or an operator. */
  terminated: { advice: RemoteTerminationAdvice; body: AdviceBody };
  /**
   * 410 with a device-removed advice: the stream's device was removed from the account's registered devices (by
   * the viewer, `removeDevice()`, or an operator). The state becomes `terminated`. Stop playback.
   */
  deviceRemoved: { advice: DeviceRemovedAdvice; body: AdviceBody };
  /** 410 without body or 404 (`server`), or no heartbeat got through before the expiry (`unreachable`). */
  expired: { reason: 'server' | 'unreachable' };
  /** A call failed. `willRetry`: a heartbeat is retried (network, 5xx, 429) inside the expiry window. */
  error: { error: ConcurrencyError; willRetry: boolean };
}

/** What the session needs from its client. */
export interface SessionRuntime {
  transport: CmTransport;
  /** Monotonic milliseconds (never compared with server time). */
  now: () => number;
  /** Divides every wait (heartbeat schedule, backoff, Retry-After); 1 in production. */
  timeScale: number;
  safetyMargin: (windowMs: number) => number;
  backoff: { initialMs: number; maxMs: number };
  random: () => number;
  /** Used when an answer lacks `Date` or `Expires` (a proxy stripped them). */
  fallbackWindowMs: number;
  runningStreams: (idp: string, subject: string) => Promise<RunningStreamsBody>;
}

export type StopResult = 'stopped' | 'already-ended' | 'unreachable';

/** One admitted stream: keeps itself alive with heartbeats until stopped or ended by the server. */
export class PlaybackSession extends TypedEmitter<PlaybackSessionEvents> {
  private currentState: SessionState = 'playing';
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Local monotonic time after which the server no longer counts on us (from its last Expires − Date). */
  private deadline: number;
  private windowMs: number;
  private failures = 0;
  private inFlight: Promise<SessionState> | undefined;
  private readonly path: string;
  private token: string | undefined;
  /** An entitlement to send with the next heartbeat (until one is accepted). */
  private entitlement: string | undefined;

  constructor(
    private readonly runtime: SessionRuntime,
    readonly idp: string,
    readonly subject: string,
    readonly sessionId: string,
    readonly terminationCode: string,
    readonly metadata: Readonly<Metadata>,
    initAnswer: CmAnswer,
  ) {
    super();
    this.path = `/v2/sessions/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}/${encodeURIComponent(sessionId)}`;
    this.windowMs = serverWindowMs(initAnswer.headers) ?? runtime.fallbackWindowMs;
    this.deadline = runtime.now() + this.windowMs / runtime.timeScale;
    this.token = playbackTokenOf(initAnswer);
    this.scheduleNext();
  }

  /**
   * The latest playback token while the stream plays (undefined when the application has none, or once the session
   * ended). Send it with licence and segment requests: a licence server or CDN checks it with `verifyPlaybackToken`.
   */
  get playbackToken(): string | undefined {
    return this.currentState === 'playing' ? this.token : undefined;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Milliseconds (real time) until the server would expire the session, by its last answer. */
  get expiresInMs(): number {
    return Math.max(0, (this.deadline - this.runtime.now()) * this.runtime.timeScale);
  }

  /**
   * Sends a heartbeat now (optionally adding metadata) instead of waiting for the schedule, and resolves
   * with the state it led to. Rejects only when the server refuses `metadata` (400); the session plays on.
   */
  async heartbeatNow(metadata?: Metadata): Promise<SessionState> {
    while (this.inFlight) await this.inFlight;
    if (this.currentState !== 'playing') return this.currentState;
    this.clearTimer();
    const attempt = this.beat(metadata);
    this.inFlight = attempt.catch(() => this.currentState).finally(() => (this.inFlight = undefined));
    return attempt;
  }

  /**
   * Ends the stream. Never rejects: on page unload call `void session.stop({ keepalive: true })`.
   * `unreachable`: the server did not answer; it will expire the session by itself.
   */
  async stop(options: { keepalive?: boolean } = {}): Promise<StopResult> {
    if (this.currentState !== 'playing') return 'already-ended';
    this.currentState = 'stopped';
    this.clearTimer();
    let answer: CmAnswer;
    try {
      answer = await this.runtime.transport.call('DELETE', this.path, { keepalive: options.keepalive });
    } catch (error) {
      this.emit('error', { error: error as ConcurrencyError, willRetry: false });
      return 'unreachable';
    }
    if (answer.status === 202) return 'stopped';
    if (answer.status === 410 || answer.status === 404) return 'already-ended';
    this.emit('error', { error: errorFor('stop', answer), willRetry: false });
    return 'unreachable';
  }

  /**
   * Sends a newer entitlement token with the next heartbeat (e.g. after the viewer's plan changed): its claims replace
   * the session's. A token the server refuses is dropped (an `error` event of kind `entitlement`) and the session
   * plays on with the claims it had.
   */
  updateEntitlement(token: string): void {
    this.entitlement = token;
  }

  /** The account's running streams (this one included while it plays). */
  runningStreams(): Promise<RunningStreamsBody> {
    return this.runtime.runningStreams(this.idp, this.subject);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private after(scaledMs: number, fn: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(fn, Math.max(0, scaledMs));
  }

  /** Next heartbeat: the server's window minus the safety margin, counted from the answer's arrival. */
  private scheduleNext(): void {
    const { timeScale, safetyMargin } = this.runtime;
    const dueInMs = Math.max(0, this.windowMs - safetyMargin(this.windowMs));
    this.after(dueInMs / timeScale, () => void this.heartbeatNow().catch(() => undefined));
  }

  private async beat(update?: Metadata): Promise<SessionState> {
    let answer: CmAnswer;
    const entitlement = this.entitlement;
    try {
      const headers = entitlement === undefined ? undefined : { 'x-cm-entitlement': entitlement };
      answer = await this.runtime.transport.call('POST', this.path, { form: update, headers });
    } catch (error) {
      return this.retryLater(error as ConcurrencyError);
    }
    if (this.currentState !== 'playing') return this.currentState;
    switch (answer.status) {
      case 202:
        if (this.entitlement === entitlement) this.entitlement = undefined;
        return this.alive(answer);
      case 409: {
        const advice = ruleViolations(answer.body);
        this.finish('dismissed');
        this.emit('dismissed', { advice, conflicts: conflictsOf(advice), body: answer.body as AdviceBody });
        return this.currentState;
      }
      case 404: // the server never issued it or no longer keeps it (purged after its retention)
      case 410: {
        const advice = remoteTermination(answer.body);
        const removed = deviceRemoved(answer.body);
        if (advice) {
          this.finish('terminated');
          this.emit('terminated', { advice, body: answer.body as AdviceBody });
        } else if (removed) {
          this.finish('terminated');
          this.emit('deviceRemoved', { advice: removed, body: answer.body as AdviceBody });
        } else {
          this.finish('expired');
          this.emit('expired', { reason: 'server' });
        }
        return this.currentState;
      }
    }
    const error = errorFor('heartbeat', answer);
    if (error.kind === 'entitlement' && entitlement !== undefined) {
      // The new entitlement was refused, not the session: drop it and heartbeat again without it.
      if (this.entitlement === entitlement) this.entitlement = undefined;
      this.emit('error', { error, willRetry: true });
      return this.beat(update);
    }
    if (error.transient) return this.retryLater(error, answer.status === 429 ? retryAfterMs(answer.headers) : undefined);
    if (update && answer.status === 400) {
      // The metadata was refused, not the session: keep the previous schedule going.
      this.emit('error', { error, willRetry: false });
      this.scheduleRetryOrNext();
      throw error;
    }
    this.finish('failed');
    this.emit('error', { error, willRetry: false });
    return this.currentState;
  }

  private alive(answer: CmAnswer): SessionState {
    this.failures = 0;
    this.windowMs = serverWindowMs(answer.headers) ?? this.windowMs;
    this.deadline = this.runtime.now() + this.windowMs / this.runtime.timeScale;
    this.token = playbackTokenOf(answer) ?? this.token;
    this.scheduleNext();
    this.emit('heartbeat', {
      expiresInMs: this.windowMs,
      nextHeartbeatInMs: this.windowMs - this.runtime.safetyMargin(this.windowMs),
      ...(this.token === undefined ? {} : { playbackToken: this.token }),
    });
    return this.currentState;
  }

  /** After a refused metadata update: heartbeat on the old schedule, i.e. by the margin before the deadline. */
  private scheduleRetryOrNext(): void {
    const { timeScale, safetyMargin } = this.runtime;
    const due = this.deadline - safetyMargin(this.windowMs) / timeScale - this.runtime.now();
    this.after(due, () => void this.heartbeatNow().catch(() => undefined));
  }

  /** Backoff with jitter (or the server's Retry-After), but never past the expiry: then the session expired. */
  private retryLater(error: ConcurrencyError, serverDelayMs?: number): SessionState {
    if (this.currentState !== 'playing') return this.currentState;
    const remaining = this.deadline - this.runtime.now();
    if (remaining <= 0) {
      this.finish('expired');
      this.emit('error', { error, willRetry: false });
      this.emit('expired', { reason: 'unreachable' });
      return this.currentState;
    }
    this.failures += 1;
    const { initialMs, maxMs } = this.runtime.backoff;
    const backoff = Math.min(maxMs, initialMs * 2 ** (this.failures - 1)) * (0.5 + this.runtime.random() / 2);
    const delay = Math.min((serverDelayMs ?? backoff) / this.runtime.timeScale, remaining);
    this.emit('error', { error, willRetry: true });
    this.after(delay, () => void this.heartbeatNow().catch(() => undefined));
    return this.currentState;
  }

  private finish(state: Exclude<SessionState, 'playing'>): void {
    this.currentState = state;
    this.token = undefined;
    this.clearTimer();
  }
}

/** The playback token of an init (body) or heartbeat (header) answer. */
function playbackTokenOf(answer: CmAnswer): string | undefined {
  const body = answer.body as { playbackToken?: unknown } | undefined;
  if (typeof body?.playbackToken === 'string') return body.playbackToken;
  return answer.headers.get(PLAYBACK_TOKEN_HEADER) ?? undefined;
}
