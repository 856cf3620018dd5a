import type { AdviceBody, ConflictingStream, RemoteTerminationAdvice, RuleViolationAdvice } from '@cm/contracts';

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
