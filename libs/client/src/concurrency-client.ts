import type {
  AdviceBody,
  DeviceLimitAdvice,
  DevicesBody,
  InitResponseBody,
  Metadata,
  RegisteredDevice,
  RuleViolationAdvice,
  RunningStreamsBody,
  SwapLimitAdvice,
} from '@cm/contracts';
import { type Conflict, conflictsOf, deviceLimits, registeredDevicesOf, ruleViolations, swapLimit } from './advice';
import { PlaybackSession, type SessionRuntime } from './playback-session';
import { CmTransport, errorFor, type FetchLike } from './transport';

export interface ConcurrencyClientOptions {
  /** Where the Concurrency Monitor answers, e.g. `https://cm.example.com`. */
  baseUrl: string;
  applicationId: string;
  /** The application's secret, when it requires one. */
  secret?: string;
  /** A fetch implementation; default the global `fetch` (browsers, Node 20+). */
  fetch?: FetchLike;
  /** Give up on a call after this long (default 10 s); counts as a network failure. */
  requestTimeoutMs?: number;
  /**
   * How long before the server's expiry a heartbeat is sent, given the window (Expires − Date).
   * Default: 10 % of the window, at least 2 s, at most half of it.
   */
  safetyMarginMs?: (windowMs: number) => number;
  /** Heartbeat retry backoff (doubling, with jitter). Default 1 s up to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Divides every wait (heartbeats, backoff, Retry-After); for demos and tests. Default 1. */
  timeScale?: number;
  /** Monotonic clock in ms; default `performance.now()`. Only differences are used. */
  now?: () => number;
}

export interface StartRequest {
  /** The identity provider (MVPD) that authenticated the subscriber. */
  idp: string;
  /** The subscriber account id within the idp. */
  subject: string;
  /** Attributes the policies use (`channel`, `deviceId`, `contentType`...; see `metadata()`). */
  metadata?: Metadata;
  /** Termination codes of the account's streams to end, atomically, if this one is admitted (X-Terminate). */
  terminate?: string[];
  /**
   * The entitlement token (a JWT of your identity system) when the application has entitlements: sent as
   * `X-CM-Entitlement`. Its claims may set the account's limits. Later ones go with `session.updateEntitlement()`.
   */
  entitlement?: string;
}

/**
 * `start()` either admits the stream or says why not: the streams that stand in the way (`conflicts`), or, when
 * the account is at its device limit and this device is not registered, the registered devices (`devices`).
 */
export type StartResult =
  | { admitted: true; session: PlaybackSession }
  | {
      admitted: false;
      /**
       * `streams`: a concurrency rule (offer stopping one of `conflicts`); `device-limit`: a device-registration
       * rule (offer removing one of `devices` with `removeDevice()`, then start again).
       */
      reason: 'streams' | 'device-limit';
      /** The violated concurrency rules, as the server sent them (empty on a device-limit denial). */
      advice: RuleViolationAdvice[];
      /** The streams to offer stopping: `start({ ..., terminate: [conflict.terminationCode] })`. */
      conflicts: Conflict[];
      /** The full device registers, as the server sent them (empty on a streams denial). */
      deviceLimit: DeviceLimitAdvice[];
      /** The account's registered devices named by `deviceLimit`, once each, first registered first. */
      devices: RegisteredDevice[];
      body: AdviceBody;
    };

/**
 * `removeDevice()`: removed (the device's running streams end at their next heartbeat), refused because the
 * viewer's swap quota is used up until `nextRemovalAt`, or `unknown` (no register of the account holds it).
 */
export type RemoveDeviceResult =
  | { removed: true }
  | { removed: false; reason: 'swap-limit'; advice: SwapLimitAdvice; nextRemovalAt: Date; body: AdviceBody }
  | { removed: false; reason: 'unknown' };

const defaultMargin = (windowMs: number) => Math.min(Math.max(windowMs * 0.1, 2000), windowMs / 2);

const monotonic = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The player side of the CM v2 API: start a stream, keep it alive, learn when it must stop.
 *
 * ```ts
 * const cm = new ConcurrencyClient({ baseUrl, applicationId: 'demo-app' });
 * const result = await cm.start({ idp, subject, metadata: { channel: 'news' } });
 * if (result.admitted) result.session.on('dismissed', () => player.pause());
 * ```
 */
export class ConcurrencyClient {
  private readonly transport: CmTransport;
  private readonly runtime: SessionRuntime;

  constructor(options: ConcurrencyClientOptions) {
    if (!options.baseUrl) throw new TypeError('ConcurrencyClient: baseUrl is required');
    if (!options.applicationId) throw new TypeError('ConcurrencyClient: applicationId is required');
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0)) throw new TypeError('ConcurrencyClient: timeScale must be a positive number');
    this.transport = new CmTransport({
      baseUrl: options.baseUrl,
      applicationId: options.applicationId,
      secret: options.secret,
      fetch: options.fetch,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    });
    this.runtime = {
      transport: this.transport,
      now: options.now ?? monotonic,
      timeScale,
      safetyMargin: options.safetyMarginMs ?? defaultMargin,
      backoff: options.backoff ?? { initialMs: 1000, maxMs: 30_000 },
      random: () => Math.random(),
      fallbackWindowMs: 60_000,
      runningStreams: (idp, subject) => this.runningStreams(idp, subject),
    };
  }

  /** The metadata names this application's policies need at start, sorted. */
  async metadata(): Promise<string[]> {
    const answer = await this.transport.call('GET', '/v2/metadata');
    if (answer.status !== 200 || !Array.isArray(answer.body)) throw errorFor('metadata', answer);
    return answer.body as string[];
  }

  /**
   * Asks to start a stream. Resolves with the playing session, or with the denial (409) and its conflicts.
   * Rejects with a ConcurrencyError otherwise (401 — `entitlement` when the entitlement token is missing or not
   * valid —, 400 missing or bad metadata, 429, network...). A start is
   * not retried: if the answer was lost, the stream may have started and will expire by itself.
   */
  async start(request: StartRequest): Promise<StartResult> {
    const { idp, subject, metadata = {}, terminate = [], entitlement } = request;
    const headers: Record<string, string> = terminate.length > 0 ? { 'x-terminate': terminate.join(',') } : {};
    if (entitlement) headers['x-cm-entitlement'] = entitlement;
    const answer = await this.transport.call('POST', `/v2/sessions/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}`, {
      form: metadata,
      headers,
    });
    if (answer.status === 202 && isInitBody(answer.body)) {
      const { sessionId, terminationCode } = answer.body;
      return {
        admitted: true,
        session: new PlaybackSession(this.runtime, idp, subject, sessionId, terminationCode, { ...metadata }, answer),
      };
    }
    if (answer.status === 409) {
      const advice = ruleViolations(answer.body);
      const deviceLimit = deviceLimits(answer.body);
      return {
        admitted: false,
        reason: deviceLimit.length > 0 ? 'device-limit' : 'streams',
        advice,
        conflicts: conflictsOf(advice),
        deviceLimit,
        devices: registeredDevicesOf(deviceLimit),
        body: answer.body as AdviceBody,
      };
    }
    throw errorFor('start', answer);
  }

  /**
   * The account's registered devices under this application's device-registration rules, the limit, and the
   * viewer's swap quota (`swap.nextRemovalAt` once it is used up). An application without such a rule gets
   * `{ devices: [], limit: 0, swap: null }`.
   */
  async devices(idp: string, subject: string): Promise<DevicesBody> {
    const answer = await this.transport.call('GET', `/v2/devices/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}`);
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) throw errorFor('devices', answer);
    return answer.body as DevicesBody;
  }

  /**
   * Removes one of the account's registered devices (the viewer's choice after a `device-limit` denial). Counts
   * against the rule's swap quota; when it is used up resolves `{ removed: false, reason: 'swap-limit' }` with
   * when the next removal is allowed. Rejects with a ConcurrencyError otherwise (401, 400, 429, network...).
   */
  async removeDevice(idp: string, subject: string, deviceId: string): Promise<RemoveDeviceResult> {
    const path = `/v2/devices/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}/${encodeURIComponent(deviceId)}`;
    const answer = await this.transport.call('DELETE', path);
    if (answer.status === 202 || answer.status === 204) return { removed: true };
    const advice = answer.status === 409 ? swapLimit(answer.body) : undefined;
    if (advice) {
      return {
        removed: false,
        reason: 'swap-limit',
        advice,
        nextRemovalAt: new Date(advice.nextRemovalAt),
        body: answer.body as AdviceBody,
      };
    }
    if (answer.status === 404) return { removed: false, reason: 'unknown' };
    throw errorFor('removeDevice', answer);
  }

  /** The account's running streams visible to this application, and how many others it has elsewhere. */
  async runningStreams(idp: string, subject: string): Promise<RunningStreamsBody> {
    const answer = await this.transport.call('GET', `/v2/runningStreams/${encodeURIComponent(idp)}/${encodeURIComponent(subject)}`);
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) throw errorFor('runningStreams', answer);
    return answer.body as RunningStreamsBody;
  }
}

function isInitBody(body: unknown): body is InitResponseBody {
  const b = body as Partial<InitResponseBody> | undefined;
  return typeof b?.sessionId === 'string' && typeof b.terminationCode === 'string';
}
