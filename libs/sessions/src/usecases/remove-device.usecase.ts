import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type AdviceBody, type DeviceRemovedAdvice, isDeviceRegistrationRule } from '@cm/contracts';
import { type DevicePolicy, type DeviceRemoval, DevicesService } from '@cm/households';
import { adviceBody, type EnginePolicy } from '@cm/policy-engine';
import { type AccountKey, SESSION_STORE, type SessionStore, type StoredSession } from '../session-store.port';
import { killedEvent, SessionEvents } from '../session.events';
import { SESSIONS_OPTIONS, type SessionsOptions } from '../sessions.options';

/** The 410 body a removed device's streams get at their next heartbeat. */
export function deviceRemovedBody(deviceId: string, removedBy: 'viewer' | 'operator'): AdviceBody {
  const advice: DeviceRemovedAdvice = {
    type: 'device-removed',
    message:
      removedBy === 'viewer' ? 'This device was removed from the account' : 'This device was removed from the account by an operator',
    deviceId,
    removedBy,
  };
  return adviceBody([advice]);
}

/**
 * Removing a device from an account (viewer through `/v2/devices`, or operator): out of the registers, then its
 * running streams under those policies end as killed (410 with a `device-removed` advice at their next heartbeat).
 */
@Injectable()
export class RemoveDeviceUseCase {
  constructor(
    private readonly devices: DevicesService,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
    private readonly events: EventEmitter2,
  ) {}

  async execute(
    policies: ReadonlyArray<EnginePolicy>,
    account: AccountKey,
    deviceId: string,
    removedBy: 'viewer' | 'operator',
  ): Promise<{ removal: DeviceRemoval; removedFrom: DevicePolicy[]; endedSessions: number }> {
    const { removal, removedFrom } = await this.devices.remove(policies, account, deviceId, removedBy);
    if (removal.outcome !== 'removed') return { removal, removedFrom, endedSessions: 0 };
    const removedIds = new Set(removedFrom.map((p) => p.id));
    // A stream is the device's under a policy it was removed from: one of that policy's applications, same `by` value.
    const owners = policies
      .filter((p) => removedIds.has(p.id))
      .map((p) => ({ apps: new Set(p.applicationIds), by: p.rules.find(isDeviceRegistrationRule)!.by }));
    const body = deviceRemovedBody(deviceId, removedBy);
    const ended = await this.store.withAccount(account, async (tx) => {
      const running = (await tx.unended(this.options.graceSeconds)).filter((s) => s.running);
      const mine = running.filter((s) => owners.some((o) => o.apps.has(s.applicationId) && s.metadata[o.by] === deviceId));
      await tx.end(mine.map((s) => ({ id: s.id, reason: 'killed' as const, detail: body })));
      return mine;
    });
    const at = new Date();
    for (const s of ended) this.emitEnded(s, body, at);
    return { removal, removedFrom, endedSessions: ended.length };
  }

  private emitEnded(s: StoredSession, detail: AdviceBody, at: Date): void {
    this.events.emit(SessionEvents.ended, killedEvent(s, detail, at));
  }
}
