/**
 * Device registration (issue 16): the admission decision of one register and the `device-limit` advice. Pure, shared
 * by the households library (which keeps the registers in PostgreSQL and decides under the account's lock) and the
 * policy simulator (which is given the registered devices), so both answer the same.
 */
import { type DeviceLimitAdvice, type DeviceRegistrationRule, type Metadata, type RegisteredDevice, UNKNOWN } from '@cm/contracts';

/** `known`: already registered (plays); `registered`: room left, the device joins the register; `full`: denied. */
export type DeviceRegistrationOutcome = 'known' | 'registered' | 'full';

/** Whether a start from `deviceId` is admitted by a register holding `registered`, capped at `limit`. */
export function decideDeviceRegistration(
  registered: ReadonlyArray<{ deviceId: string }>,
  deviceId: string,
  limit: number,
): DeviceRegistrationOutcome {
  if (registered.some((d) => d.deviceId === deviceId)) return 'known';
  return registered.length >= limit ? 'full' : 'registered';
}

/** The device a start names under this rule (its `by` attribute), with the name and platform a register keeps. */
export function startingDevice(
  rule: DeviceRegistrationRule,
  metadata: Metadata,
  platform: string,
): { deviceId: string; name: string; platform: string } | undefined {
  const deviceId = metadata[rule.by];
  if (deviceId === undefined) return undefined; // init answers 400 first: `by` is required metadata
  return { deviceId, name: metadata.deviceName || metadata.deviceType || UNKNOWN, platform: metadata.platform || platform || UNKNOWN };
}

/** The 409 advice of a full register: its devices, so the viewer can pick one to remove. */
export function deviceLimitAdvice(policy: { name: string }, rule: DeviceRegistrationRule, devices: RegisteredDevice[]): DeviceLimitAdvice {
  return {
    type: 'device-limit',
    message: rule.message ?? `This account already has ${rule.limit} registered devices; remove one to play on this device`,
    policyName: policy.name,
    ruleName: rule.name,
    attribute: rule.by,
    threshold: rule.limit,
    devices,
  };
}
