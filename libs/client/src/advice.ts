import type {
  AdviceBody,
  ConflictingStream,
  DeviceLimitAdvice,
  DeviceRemovedAdvice,
  RegisteredDevice,
  RemoteTerminationAdvice,
  RuleViolationAdvice,
  SwapLimitAdvice,
} from '@cm/contracts';

/** A stream standing in the way, with the rule it counts against: offer "stop this one" with its code. */
export interface Conflict extends ConflictingStream {
  /** The conflicts key: the session id (stream-count rules) or the `countBy` value (e.g. a deviceId). */
  key: string;
  policyName: string;
  ruleName: string;
  /** The rule's message, e.g. "Number of active streams exceeded". */
  message: string;
}

export function isAdviceBody(body: unknown): body is AdviceBody {
  return typeof body === 'object' && body !== null && Array.isArray((body as AdviceBody).associatedAdvice);
}

export function ruleViolations(body: unknown): RuleViolationAdvice[] {
  return isAdviceBody(body) ? body.associatedAdvice.filter((a): a is RuleViolationAdvice => a.type === 'rule-violation') : [];
}

export function remoteTermination(body: unknown): RemoteTerminationAdvice | undefined {
  return isAdviceBody(body) ? body.associatedAdvice.find((a): a is RemoteTerminationAdvice => a.type === 'remote-termination') : undefined;
}

/** Every conflicting stream of every violated rule, once per termination code, in the server's order. */
export function conflictsOf(advice: RuleViolationAdvice[]): Conflict[] {
  const seen = new Set<string>();
  const out: Conflict[] = [];
  for (const a of advice) {
    for (const [key, streams] of Object.entries(a.conflicts ?? {})) {
      for (const s of streams) {
        if (seen.has(s.terminationCode)) continue;
        seen.add(s.terminationCode);
        out.push({ ...s, key, policyName: a.policyName, ruleName: a.ruleName, message: a.message });
      }
    }
  }
  return out;
}

export function deviceLimits(body: unknown): DeviceLimitAdvice[] {
  return isAdviceBody(body) ? body.associatedAdvice.filter((a): a is DeviceLimitAdvice => a.type === 'device-limit') : [];
}

export function swapLimit(body: unknown): SwapLimitAdvice | undefined {
  return isAdviceBody(body) ? body.associatedAdvice.find((a): a is SwapLimitAdvice => a.type === 'swap-limit') : undefined;
}

export function deviceRemoved(body: unknown): DeviceRemovedAdvice | undefined {
  return isAdviceBody(body) ? body.associatedAdvice.find((a): a is DeviceRemovedAdvice => a.type === 'device-removed') : undefined;
}

/** The registered devices of every full register, once per device id, in the server's order (oldest first). */
export function registeredDevicesOf(advice: DeviceLimitAdvice[]): RegisteredDevice[] {
  const seen = new Set<string>();
  const out: RegisteredDevice[] = [];
  for (const a of advice) {
    for (const d of a.devices) {
      if (seen.has(d.deviceId)) continue;
      seen.add(d.deviceId);
      out.push(d);
    }
  }
  return out;
}
