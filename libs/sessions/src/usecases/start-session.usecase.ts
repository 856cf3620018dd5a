import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Metadata } from '@cm/contracts';
import { type ClientNetwork, DevicesService, NetworksService } from '@cm/households';
import { adviceBody, decideInit, missingMetadata, missingMetadataBody, readsNetwork } from '@cm/policy-engine';
import { type ApplicationContext, ApplicationDirectory } from '../application-directory';
import type { InitResult } from '../cm-results';
import { DegradedSessions } from '../degraded-sessions';
import { newSessionId, newTerminationCode } from '../ids';
import { type AccountKey, SESSION_STORE, type SessionEnd, type SessionStore } from '../session-store.port';
import { SessionEvents, type SessionDeniedEvent, type SessionEndedEvent, type SessionStartedEvent } from '../session.events';
import { CmError, CmErrorCode } from '../sessions.errors';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';
import { isConnectionFailure, SessionStoreUnavailableError } from '../store-unavailable.error';
import { AccountStreamsReader } from './account-streams';
import { PlayerThrottle } from './player-throttle';

/** `POST /v2/sessions/{idp}/{subject}`: the init decision (`decideInit`) under the account's lock. */
@Injectable()
export class StartSession {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly directory: ApplicationDirectory,
    private readonly streams: AccountStreamsReader,
    private readonly throttle: PlayerThrottle,
    private readonly degraded: DegradedSessions,
    private readonly events: EventEmitter2,
    private readonly devices: DevicesService,
    private readonly networks: NetworksService,
  ) {}

  /**
   * `clientAddress` is the player's address (behind CM_TRUST_PROXY, the client's from X-Forwarded-For): its network
   * gives the start its `network.*` attributes when the rules read them (`network.home` against the home network of
   * the application's tenant: another tenant's playback never moves it). Device registers and networks are read and
   * written here, at init, and never on heartbeats.
   */
  async execute(
    ctx: ApplicationContext,
    account: AccountKey,
    metadata: Metadata,
    terminate: string[],
    clientAddress?: string,
  ): Promise<InitResult> {
    this.throttle.init(account);
    if (missingMetadata(metadata, ctx.policies).length > 0) {
      throw new CmError(CmErrorCode.MISSING_METADATA, 'Metadata required by the policies is missing', missingMetadataBody());
    }
    try {
      const network = await this.networks.locate(clientAddress);
      // Only applications whose rules read network.* carry the attributes: other players' bodies stay as they were.
      const withNetwork =
        network && readsNetwork(ctx.policies)
          ? { ...metadata, ...(await this.households(() => this.networks.attributes(account, ctx.app.tenantId, network))) }
          : metadata;
      await this.admitDevice(ctx, account, withNetwork);
      const result = await this.admit(ctx, account, withNetwork, terminate, undefined, network);
      if (network) this.networks.recordStart(account, ctx.app.tenantId, network);
      return result;
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError && this.options.failMode === 'open') {
        return this.degraded.admit(ctx.app.id, account, metadata);
      }
      throw error;
    }
  }

  /** A household read or write: an unreachable database is the store being unavailable (CM_FAIL_MODE applies). */
  private async households<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw isConnectionFailure(error) ? new SessionStoreUnavailableError(error) : error;
    }
  }

  /** The device-registration rules of the application's policies: registers the device, or denies (409 device-limit). */
  private async admitDevice(ctx: ApplicationContext, account: AccountKey, metadata: Metadata): Promise<void> {
    if (!DevicesService.capsDevices(ctx.policies)) return;
    const admission = await this.households(() => this.devices.admit(ctx.policies, account, metadata, ctx.app.platform));
    if (admission.ok) return;
    const body = adviceBody(admission.advice);
    this.emit(SessionEvents.denied, {
      applicationId: ctx.app.id,
      ...account,
      policyIds: admission.policyIds,
      metadata,
      advice: body,
      at: new Date(),
    } satisfies SessionDeniedEvent);
    throw new CmError(CmErrorCode.DENIED, 'This device is not registered and the account is at its device limit', body);
  }

  /**
   * The init decision under the account lock; `preset` re-admits a session first issued while degraded. `network`
   * (already located) only travels in the `session.started` event.
   */
  async admit(
    ctx: ApplicationContext,
    account: AccountKey,
    metadata: Metadata,
    terminate: string[],
    preset?: { id: string; terminationCode: string },
    network: ClientNetwork | null = null,
  ): Promise<InitResult> {
    const current = (await this.directory.get(ctx.app.id)) ?? ctx;
    const outcome = await this.store.withAccount(account, async (tx) => {
      const unended = await tx.unended(this.options.graceSeconds);
      const running = unended.filter((s) => s.running);
      const streams = await this.streams.read(running);
      const id = preset?.id ?? newSessionId();
      const taken = new Set(unended.map((s) => s.terminationCode));
      const terminationCode = preset && !taken.has(preset.terminationCode) ? preset.terminationCode : newTerminationCode(taken);
      const decision = decideInit({
        candidate: { id, terminationCode, applicationId: ctx.app.id, applicationName: current.app.name, metadata },
        now: tx.now,
        running: streams.sessions,
        policies: current.policies,
        terminate,
        // X-Terminate reaches only streams this application may see (its tenant's, or sharing a policy with it).
        visible: (s) => streams.visibleTo(current, s),
        maxSessions: this.options.maxSessionsPerAccount,
      });
      if (decision.outcome === 'deny') return decision;
      const stored = await tx.insert({
        id,
        account,
        applicationId: ctx.app.id,
        terminationCode,
        metadata: decision.metadata,
        intervalSeconds: current.app.heartbeatIntervalSeconds,
        policyEpoch: current.epoch,
      });
      const ends: SessionEnd[] = decision.ends.map((end) => ({ id: end.session.id, reason: end.reason, detail: end.body }));
      await tx.end(ends);
      return { ...decision, id, terminationCode, expiresAt: stored.expiresAt, acceptedAt: stored.startedAt };
    });
    const at = new Date();
    if (outcome.outcome === 'deny') {
      this.emit(SessionEvents.denied, {
        applicationId: ctx.app.id,
        ...account,
        policyIds: outcome.policyIds,
        metadata: outcome.metadata,
        advice: outcome.body,
        at,
      } satisfies SessionDeniedEvent);
      throw new CmError(CmErrorCode.DENIED, 'The stream is not allowed by the policies', outcome.body);
    }
    const { id, terminationCode, expiresAt, acceptedAt } = outcome;
    this.emit(SessionEvents.started, {
      sessionId: id,
      applicationId: ctx.app.id,
      tenantId: ctx.app.tenantId,
      ...account,
      network,
      deviceId: metadata.deviceId || null,
      at,
    } satisfies SessionStartedEvent);
    for (const end of outcome.ends) {
      this.emit(SessionEvents.ended, {
        sessionId: end.session.id,
        applicationId: end.session.applicationId,
        ...account,
        reason: end.reason,
        detail: end.body,
        metadata: end.session.metadata,
        at,
      } satisfies SessionEndedEvent);
    }
    return { body: { sessionId: id, terminationCode, expires: expiresAt.getTime() }, expiresAt, acceptedAt };
  }

  private emit(name: string, event: SessionStartedEvent | SessionDeniedEvent | SessionEndedEvent): void {
    this.events.emit(name, event);
  }
}
