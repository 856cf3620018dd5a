import type { Metadata } from '@cm/contracts';
import type { ConcurrencyClient, StartResult } from '../concurrency-client';
import type { Conflict } from '../advice';
import type { ConcurrencyError } from '../errors';
import type { PlaybackSession, PlaybackSessionEvents } from '../playback-session';
import { TypedEmitter } from '../typed-emitter';
import { elementTarget, type MediaTarget } from './media-target';

/** A start the policies refused (409): the streams in the way, or the account's full device register. */
export type Denial = Extract<StartResult, { admitted: false }>;

/**
 * `idle`: no stream (before the first play, after a stop or an end); `starting`: the start is on its way;
 * `active`: a stream is running (the media plays, or is paused within `pauseGraceSeconds`); `denied`: the start was
 * refused and playback is paused until the viewer chooses (`onConflict`) or presses play again.
 */
export type MediaBindingState = 'idle' | 'starting' | 'active' | 'denied';

/** Why the binding stopped its stream itself. */
export type StopReason = 'ended' | 'source-change' | 'paused' | 'hidden' | 'pagehide' | 'destroyed' | 'stop';

export interface MediaBindingOptions {
  client: ConcurrencyClient;
  /** The identity provider (MVPD) that authenticated the viewer. */
  idp: string;
  /** The viewer's account id within the idp. */
  subject: string;
  /** Metadata for each start (`channel`, `deviceName`, `deviceId`...), or a function read at each start. */
  metadata?: Metadata | (() => Metadata);
  /** The entitlement token for each start, when the application has entitlements. */
  entitlement?: string | (() => string | undefined);
  /**
   * A paused player keeps its stream this many seconds, then stops it (operators free streams left paused for
   * hours); the next play starts a new one. Default: the stream is kept while paused.
   */
  pauseGraceSeconds?: number;
  /**
   * A hidden page (`visibilitychange` → hidden: the viewer switched app or locked the phone) stops its stream
   * after this many seconds and pauses. Default 30 s on touch devices (`pointer: coarse`, where a hidden page is
   * often killed without `pagehide`), never elsewhere; `false`: never.
   */
  hiddenGraceSeconds?: number | false;
  /**
   * When no heartbeat gets through within the server's window (network down), or a start gets no answer:
   * `true` keeps playing without a stream and tries a new start every `failOpenRetrySeconds`; `false` (default)
   * pauses playback and raises `expired` / `error`.
   */
  failOpen?: boolean;
  /** With `failOpen`, how often a new start is tried while the media plays without a stream. Default 30 s. */
  failOpenRetrySeconds?: number;
  /**
   * Asked after a concurrency denial (playback is paused): resolve with the conflict the viewer chose to stop (the
   * binding starts again with its termination code through X-Terminate and resumes playback), or with
   * `undefined` to cancel. `conflictDialog()` of `@cm/client/ui` is one.
   */
  onConflict?: (denial: Denial) => Promise<Conflict | undefined> | Conflict | undefined;
}

export interface MediaBindingEvents {
  /** A stream was admitted; `terminated`: the termination codes ended to make room (X-Terminate). */
  started: { session: PlaybackSession; terminated: string[] };
  /** A heartbeat was accepted. */
  heartbeat: PlaybackSessionEvents['heartbeat'];
  /** The start was refused (409). Playback is paused. */
  denied: Denial;
  /** The binding stopped its stream (`reason` says why). */
  stopped: { reason: StopReason };
  /** Another stream (X-Terminate) or an operator ended this one. Playback is paused. */
  terminated: PlaybackSessionEvents['terminated'];
  /** A policy no longer allows this stream (409 at heartbeat). Playback is paused. */
  dismissed: PlaybackSessionEvents['dismissed'];
  /** The stream's device was removed from the account. Playback is paused. */
  deviceRemoved: PlaybackSessionEvents['deviceRemoved'];
  /** The server no longer keeps the stream, or no heartbeat got through in time. Paused unless `failOpen`. */
  expired: PlaybackSessionEvents['expired'] & { keptPlaying: boolean };
  /** A call failed. `willRetry`: retried inside the heartbeat window (or, with `failOpen`, a start later). */
  error: { error: ConcurrencyError; willRetry: boolean };
  /** The state changed. */
  state: { state: MediaBindingState };
}

/** Whether the page runs on a touch-first device (a phone or tablet), where hidden pages are often killed. */
function touchFirst(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/**
 * Keeps one concurrency stream in step with a player: starts it on the first `play`, heartbeats while it runs,
 * stops it on `ended`, on a source change (`emptied`), when the page goes away (`pagehide`, with a keepalive
 * request) or stays hidden (`hiddenGraceSeconds`), and after `pauseGraceSeconds` of pause. A refused start, a
 * remote termination, a dismissal or a lost stream pause playback and raise an event.
 *
 * ```ts
 * const binding = bindMedia(video, { client, idp, subject, metadata: { channel: 'news' } });
 * binding.on('terminated', () => showMessage('Stopped from another device'));
 * ```
 */
export class MediaBinding extends TypedEmitter<MediaBindingEvents> {
  private current: MediaBindingState = 'idle';
  private active: PlaybackSession | undefined;
  private offSession: Array<() => void> = [];
  private readonly offTarget: Array<() => void>;
  /** Moves on every start and every stop: an answer to an older start is stale. */
  private generation = 0;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly hiddenGraceSeconds: number | false;
  private destroyed = false;
  /** `onConflict` is asking the viewer: a play from elsewhere (media keys) waits for the answer. */
  private asking = false;

  constructor(
    private readonly target: MediaTarget,
    private readonly options: MediaBindingOptions,
  ) {
    super();
    if (!options.client) throw new TypeError('bindMedia: client is required');
    if (!options.idp || !options.subject) throw new TypeError('bindMedia: idp and subject are required');
    const { pauseGraceSeconds, hiddenGraceSeconds } = options;
    if (pauseGraceSeconds !== undefined && !(pauseGraceSeconds >= 0)) throw new TypeError('bindMedia: pauseGraceSeconds must be >= 0');
    if (typeof hiddenGraceSeconds === 'number' && !(hiddenGraceSeconds >= 0)) {
      throw new TypeError('bindMedia: hiddenGraceSeconds must be >= 0, or false');
    }
    this.hiddenGraceSeconds = hiddenGraceSeconds ?? (touchFirst() ? 30 : false);
    this.offTarget = [
      target.on('play', () => this.onPlay()),
      target.on('pause', () => this.onPause()),
      target.on('ended', () => void this.stopFor('ended')),
      target.on('emptied', () => void this.stopFor('source-change')),
    ];
    if (typeof addEventListener === 'function') {
      const onPageHide = () => void this.stopFor('pagehide', { keepalive: true });
      addEventListener('pagehide', onPageHide);
      this.offTarget.push(() => removeEventListener('pagehide', onPageHide));
    }
    if (typeof document !== 'undefined') {
      const onVisibility = () => this.onVisibility();
      document.addEventListener('visibilitychange', onVisibility);
      this.offTarget.push(() => document.removeEventListener('visibilitychange', onVisibility));
    }
    // Bound to a player that already plays (autoplay, or bound late): start now.
    if (!target.paused) this.onPlay();
  }

  get state(): MediaBindingState {
    return this.current;
  }

  /** The running stream, while there is one. */
  get session(): PlaybackSession | undefined {
    return this.active;
  }

  /** Stops the stream (if any) without touching playback; the next play starts a new one. */
  async stop(options: { keepalive?: boolean } = {}): Promise<void> {
    await this.stopFor('stop', options);
  }

  /** Stops the stream and stops following the player and the page. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const off of this.offTarget) off();
    await this.stopFor('destroyed');
  }

  private setState(state: MediaBindingState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', { state });
  }

  private onPlay(): void {
    if (this.destroyed) return;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (this.asking) {
      this.target.pause();
      return;
    }
    if (this.current === 'idle' || this.current === 'denied') void this.start([], false);
  }

  private onPause(): void {
    const grace = this.options.pauseGraceSeconds;
    if (this.current !== 'active' || grace === undefined || this.pauseTimer !== undefined) return;
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      if (this.target.paused) void this.stopFor('paused');
    }, grace * 1000);
  }

  private onVisibility(): void {
    clearTimeout(this.hiddenTimer);
    this.hiddenTimer = undefined;
    const grace = this.hiddenGraceSeconds;
    if (grace === false || document.visibilityState !== 'hidden') return;
    this.hiddenTimer = setTimeout(() => {
      this.hiddenTimer = undefined;
      if (document.visibilityState !== 'hidden' || (this.current !== 'active' && this.current !== 'starting')) return;
      this.target.pause();
      void this.stopFor('hidden');
    }, grace * 1000);
  }

  private metadata(): Metadata {
    const { metadata } = this.options;
    return typeof metadata === 'function' ? metadata() : { ...metadata };
  }

  private async start(terminate: string[], resume: boolean): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const generation = ++this.generation;
    this.setState('starting');
    const { client, idp, subject, entitlement } = this.options;
    let result: StartResult;
    try {
      const token = typeof entitlement === 'function' ? entitlement() : entitlement;
      result = await client.start({ idp, subject, metadata: this.metadata(), terminate, ...(token ? { entitlement: token } : {}) });
    } catch (error) {
      if (generation !== this.generation) return;
      this.startFailed(error as ConcurrencyError);
      return;
    }
    if (generation !== this.generation || this.destroyed) {
      // Stopped (source change, page hidden...) while the start was on its way: end the stream it opened.
      if (result.admitted) void result.session.stop({ keepalive: true });
      return;
    }
    if (!result.admitted) {
      await this.deny(result);
      return;
    }
    this.adopt(result.session);
    this.emit('started', { session: result.session, terminated: terminate });
    if (resume) void Promise.resolve(this.target.play()).catch(() => undefined);
    // Paused while the start was on its way: the pause grace counts from now.
    else if (this.target.paused) this.onPause();
  }

  private startFailed(error: ConcurrencyError): void {
    const keepPlaying = this.options.failOpen === true && error.transient;
    this.setState('idle');
    if (keepPlaying) this.retryStartLater();
    else this.target.pause();
    this.emit('error', { error, willRetry: keepPlaying });
  }

  /** failOpen: playing without a stream; try a new start now and then while the media plays. */
  private retryStartLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        if (this.current === 'idle' && !this.target.paused && !this.destroyed) void this.start([], false);
      },
      (this.options.failOpenRetrySeconds ?? 30) * 1000,
    );
  }

  private async deny(denial: Denial): Promise<void> {
    this.setState('denied');
    this.target.pause();
    this.emit('denied', denial);
    const { onConflict } = this.options;
    if (!onConflict || denial.reason !== 'streams' || denial.conflicts.length === 0) return;
    const generation = this.generation;
    let choice: Conflict | undefined;
    this.asking = true;
    try {
      choice = await onConflict(denial);
    } catch {
      choice = undefined;
    } finally {
      this.asking = false;
    }
    if (generation !== this.generation || this.current !== 'denied' || this.destroyed) return;
    if (choice) await this.start([choice.terminationCode], true);
  }

  private adopt(session: PlaybackSession): void {
    this.active = session;
    this.setState('active');
    const interrupted = () => {
      this.release();
      this.target.pause();
    };
    this.offSession = [
      session.on('heartbeat', (payload) => this.emit('heartbeat', payload)),
      session.on('error', (payload) => this.emit('error', payload)),
      session.on('terminated', (payload) => {
        interrupted();
        this.emit('terminated', payload);
      }),
      session.on('dismissed', (payload) => {
        interrupted();
        this.emit('dismissed', payload);
      }),
      session.on('deviceRemoved', (payload) => {
        interrupted();
        this.emit('deviceRemoved', payload);
      }),
      session.on('expired', (payload) => {
        const keptPlaying = this.options.failOpen === true && payload.reason === 'unreachable';
        this.release();
        if (keptPlaying) this.retryStartLater();
        else this.target.pause();
        this.emit('expired', { ...payload, keptPlaying });
      }),
    ];
  }

  /** Forgets the stream (ended by the server or stopped) and its timers. */
  private release(): PlaybackSession | undefined {
    const session = this.active;
    for (const off of this.offSession) off();
    this.offSession = [];
    this.active = undefined;
    this.generation += 1;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.setState('idle');
    return session;
  }

  private async stopFor(reason: StopReason, options: { keepalive?: boolean } = {}): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.current === 'idle') return;
    const session = this.release();
    if (!session) return;
    await session.stop(options);
    this.emit('stopped', { reason });
  }
}

/**
 * Binds a concurrency stream to an `HTMLMediaElement` (or to a `MediaTarget`: see the hls.js, Shaka and video.js
 * adapters). Returns the binding: its events say what happened, `state` and `session` what is running.
 */
export function bindMedia(media: HTMLMediaElement | MediaTarget, options: MediaBindingOptions): MediaBinding {
  const target = isMediaTarget(media) ? media : elementTarget(media);
  return new MediaBinding(target, options);
}

function isMediaTarget(media: HTMLMediaElement | MediaTarget): media is MediaTarget {
  return typeof (media as MediaTarget).on === 'function' && typeof (media as HTMLMediaElement).addEventListener !== 'function';
}
