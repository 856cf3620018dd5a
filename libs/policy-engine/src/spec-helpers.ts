/** Builders shared by this library's specs (not exported by index.ts). */
import type { PolicyRule } from '@cm/contracts';
import type { EnginePolicy, EngineSession } from './types';

/** Session number `n`: ids sort like UUIDv7 and, by default, sessions start in number order. */
export function session(n: number, metadata: Record<string, string> = {}, overrides: Partial<EngineSession> = {}): EngineSession {
  return {
    sessionId: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    applicationId: 'app',
    startedAt: 1_000 + n,
    metadata,
    ...overrides,
  };
}

export function rule(overrides: Partial<PolicyRule> = {}): PolicyRule {
  return { name: 'rule', limit: 1, onConflict: 'reject', ...overrides };
}

export function policy(rules: PolicyRule[], overrides: Partial<EnginePolicy> = {}): EnginePolicy {
  return { id: 'p1', name: 'policy', rules, applicationIds: ['app'], ...overrides };
}
