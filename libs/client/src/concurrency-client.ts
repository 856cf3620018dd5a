import type { AdviceBody, InitResponseBody, Metadata, RuleViolationAdvice, RunningStreamsBody } from '@cm/contracts';
import { type Conflict, conflictsOf, ruleViolations } from './advice';
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

/** `start()` either admits the stream or says why not, naming the streams that stand in the way. */
export type StartResult =
  | { admitted: true; session: PlaybackSession }
  | {
      admitted: false;
      /** The violated rules, as the server sent them. */
      advice: RuleViolationAdvice[];
      /** The streams to offer stopping: `start({ ..., terminate: [conflict.terminationCode] })`. */
      conflicts: Conflict[];
      body: AdviceBody;
    };

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
      return { admitted: false, advice, conflicts: conflictsOf(advice), body: answer.body as AdviceBody };
    }
    throw errorFor('start', answer);
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
