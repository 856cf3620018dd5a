import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  type AnyRule,
  type DeviceLimitAdvice,
  type DeviceRegistrationRule,
  type DevicesBody,
  isDeviceRegistrationRule,
  type Metadata,
  type RegisteredDevice,
  reportSetAside,
  type SwapLimitAdvice,
  writeSettingAside,
} from '@cm/contracts';
import { deviceLimitAdvice, startingDevice } from '@cm/policy-engine';
import { type AccountKey, type DeviceRow, type DeviceTouch, HouseholdsRepository } from './households.repository';

/** Registered devices seen again are written at most this long after (one statement for all of them). */
const TOUCH_FLUSH_MS = 1000;
/** Above this many devices waiting, they are written at once. */
const TOUCH_FLUSH_AT = 5000;
/** At most this many sightings wait for a database that does not answer; past it, the oldest are dropped (logged). */
const TOUCH_KEEP_MAX = 10 * TOUCH_FLUSH_AT;
/** The `buffer` label of `cm_writebehind_rejected_total` for these sightings. */
export const DEVICE_LAST_SEEN_BUFFER = 'device-last-seen';

const touchKey = (t: DeviceTouch) => `${t.policyId}\n${t.account.idp.length}:${t.account.idp}${t.account.subject}\n${t.deviceId}`;

/** A policy as device registration needs it: its id, name and rules. */
export interface DevicePolicy {
  id: string;
  name: string;
  rules: readonly AnyRule[];
}

export type DeviceAdmission = { ok: true } | { ok: false; advice: DeviceLimitAdvice[]; policyIds: string[] };
export type DeviceRemoval = { outcome: 'removed' } | { outcome: 'unknown' } | { outcome: 'quota'; advice: SwapLimitAdvice };

const deviceRule = (policy: DevicePolicy): DeviceRegistrationRule | undefined => policy.rules.find(isDeviceRegistrationRule);

export const registeredDevice = (d: DeviceRow): RegisteredDevice => ({
  deviceId: d.deviceId,
  name: d.name,
  platform: d.platform,
  firstSeen: d.firstSeen.toISOString(),
  lastSeen: d.lastSeen.toISOString(),
});

/** The same device in several registers (several policies cap devices) is listed once. */
function merged(rows: DeviceRow[]): RegisteredDevice[] {
  const byId = new Map<string, DeviceRow>();
  for (const row of rows) {
    const seen = byId.get(row.deviceId);
    if (!seen) byId.set(row.deviceId, { ...row });
    else {
      if (row.firstSeen < seen.firstSeen) seen.firstSeen = row.firstSeen;
      if (row.lastSeen > seen.lastSeen) seen.lastSeen = row.lastSeen;
    }
  }
  return [...byId.values()].map(registeredDevice);
}

/**
 * Device registration (issue 16 part 1): each policy with a device-registration rule keeps a register of the
 * account's devices. Consulted at init only, never on heartbeats.
 */
@Injectable()
export class DevicesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DevicesService.name);

  constructor(
    private readonly repository: HouseholdsRepository,
    private readonly events: EventEmitter2,
  ) {}

  /** Registered devices seen again and not written yet, by register and device (the latest sighting). */
  private touches = new Map<string, DeviceTouch>();
  private touchTimer?: NodeJS.Timeout;
  private touching: Promise<void> = Promise.resolve();
  /** Shutting down: the last flush is under way and nothing is retried after it (the database is closing). */
  private closing = false;

  /** Whether any of these policies caps devices. */
  static capsDevices(policies: readonly DevicePolicy[]): boolean {
    return policies.some((p) => deviceRule(p) !== undefined);
  }

  /**
   * A start from the device the metadata names: registers it (or sees it again) in each register of these
   * policies; denied with a `device-limit` advice per full register.
   */
  async admit(policies: readonly DevicePolicy[], account: AccountKey, metadata: Metadata, platform: string): Promise<DeviceAdmission> {
    const advice: DeviceLimitAdvice[] = [];
    const policyIds: string[] = [];
    for (const policy of policies) {
      const rule = deviceRule(policy);
      if (!rule) continue;
      const device = startingDevice(rule, metadata, platform);
      if (!device) continue;
      const result = await this.repository.registerDevice(policy.id, account, device, rule.limit);
      if (result.outcome === 'known') this.touch({ policyId: policy.id, account, ...device, at: new Date() });
      if (result.outcome !== 'full') continue;
      policyIds.push(policy.id);
      advice.push(deviceLimitAdvice(policy, rule, result.devices.map(registeredDevice)));
    }
    return advice.length === 0 ? { ok: true } : { ok: false, advice, policyIds };
  }

  /**
   * Notes that a registered device started again (its last-seen time, name and platform). Off the request path: a
   * start from a known device reads its register and writes nothing; sightings gather in memory and are written
   * together within TOUCH_FLUSH_MS. Listings write what is pending first.
   */
  private touch(touch: DeviceTouch): void {
    this.touches.set(touchKey(touch), touch);
    if (this.touches.size >= TOUCH_FLUSH_AT) void this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.touchTimer || this.closing) return;
    this.touchTimer = setTimeout(() => void this.flush(), TOUCH_FLUSH_MS);
    this.touchTimer.unref();
  }

  /**
   * Writes the pending sightings (one statement). Write-behind never jams: a sighting the database refuses (its data)
   * is set aside, logged with the reason and counted (`cm_writebehind_rejected_total{buffer="device-last-seen"}`), and
   * the others are written; when the database cannot be reached they wait for the next flush (at most TOUCH_KEEP_MAX;
   * a newer sighting of the same device replaces a kept one; writing one twice changes nothing).
   */
  flush(): Promise<void> {
    clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    if (this.touches.size === 0) return this.touching;
    const batch = [...this.touches.values()];
    this.touches = new Map();
    this.touching = this.touching.then(async () => {
      try {
        const refused = await writeSettingAside(batch, (rows) => this.repository.touchDevices(rows));
        const name = (t: DeviceTouch) => `${JSON.stringify(`${t.account.idp}/${t.account.subject}`)} device ${JSON.stringify(t.deviceId)}`;
        reportSetAside(DEVICE_LAST_SEEN_BUFFER, refused, name, this.logger, this.events);
      } catch (error) {
        this.keep(batch, error);
      }
    });
    return this.touching;
  }

  /** Sightings not written because the database failed (not for their data): back in the buffer for the next flush. */
  private keep(unwritten: DeviceTouch[], error: unknown): void {
    let dropped = 0;
    for (const touch of unwritten) {
      const key = touchKey(touch);
      if (this.touches.has(key)) continue; // seen again since: the newer sighting wins
      if (this.touches.size >= TOUCH_KEEP_MAX) dropped++;
      else this.touches.set(key, touch);
    }
    this.logger.warn(
      `Could not write when ${unwritten.length} registered device(s) were last seen (${String(error)}): ` +
        (dropped === 0 ? 'kept for the next attempt' : `${dropped} dropped, the rest kept`),
    );
    this.schedule();
  }

  /** Before the database closes: what is pending is written. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.flush();
  }

  /** What `GET /v2/devices` answers for an application with these policies. */
  async list(policies: readonly DevicePolicy[], account: AccountKey): Promise<DevicesBody> {
    await this.flush();
    const capping = policies.filter((p) => deviceRule(p) !== undefined);
    const rows = await this.repository.listDevices(
      capping.map((p) => p.id),
      account,
    );
    const first = capping[0];
    const rule = first ? deviceRule(first) : undefined;
    let swap: DevicesBody['swap'] = null;
    if (first && rule?.swap) {
      const used = await this.repository.viewerRemovalsSince(first.id, account, rule.swap.windowDays);
      const next = used.length >= rule.swap.max ? nextRemoval(used, rule.swap) : null;
      swap = { max: rule.swap.max, windowDays: rule.swap.windowDays, used: used.length, nextRemovalAt: next?.toISOString() ?? null };
    }
    const limits = capping.map((p) => deviceRule(p)!.limit);
    return { devices: merged(rows), limit: limits.length > 0 ? Math.min(...limits) : 0, swap };
  }

  /**
   * Removes a device from the registers of these policies that hold it. A viewer's removal counts against each
   * rule's swap quota; when any quota is used up nothing is removed from that register and the answer is `quota`.
   * Returns the policies the device was removed from.
   */
  async remove(
    policies: readonly DevicePolicy[],
    account: AccountKey,
    deviceId: string,
    by: 'viewer' | 'operator',
  ): Promise<{ removal: DeviceRemoval; removedFrom: DevicePolicy[] }> {
    const removedFrom: DevicePolicy[] = [];
    let refused: SwapLimitAdvice | undefined;
    for (const policy of policies) {
      const rule = deviceRule(policy);
      if (!rule) continue;
      const result = await this.repository.removeDevice(policy.id, account, deviceId, by, rule.swap);
      if (result.outcome === 'removed') removedFrom.push(policy);
      if (result.outcome === 'quota') {
        refused ??= {
          type: 'swap-limit',
          message: `Devices can be removed ${rule.swap!.max} time(s) every ${rule.swap!.windowDays} days; the next removal is allowed at ${result.nextRemovalAt.toISOString()}`,
          policyName: policy.name,
          ruleName: rule.name,
          max: rule.swap!.max,
          windowDays: rule.swap!.windowDays,
          nextRemovalAt: result.nextRemovalAt.toISOString(),
        };
      }
    }
    if (removedFrom.length > 0) return { removal: { outcome: 'removed' }, removedFrom };
    if (refused) return { removal: { outcome: 'quota', advice: refused }, removedFrom };
    return { removal: { outcome: 'unknown' }, removedFrom };
  }

  /** Every register of the account (operator look-up), with its policy id. */
  async forAccount(account: AccountKey): Promise<Array<RegisteredDevice & { policyId: string }>> {
    await this.flush();
    const rows = await this.repository.listAllDevices(account);
    return rows.map((r) => ({ ...registeredDevice(r), policyId: r.policyId }));
  }
}

/** When the oldest of the last `max` removals leaves the window. */
function nextRemoval(used: Date[], swap: { max: number; windowDays: number }): Date {
  const counted = used.slice(Math.max(0, used.length - Math.max(swap.max, 1)));
  const from = counted.length > 0 ? counted[0].getTime() : Date.now();
  return new Date(from + swap.windowDays * 86_400_000);
}
