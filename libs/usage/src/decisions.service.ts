import { Injectable } from '@nestjs/common';
import { UNKNOWN } from '@cm/contracts';
import { type Actor, visibleTenants } from '@cm/identity';
import { DecisionLog, type PendingDecision } from './decision-log';
import { type DecisionRow, DecisionsRepository } from './decisions.repository';
import { DECISIONS_DEFAULT_LIMIT, DECISIONS_MAX_LIMIT, type DecisionDto, type RecentDecisionsQueryDto } from './dto/decision.dto';
import { UsageDirectory } from './usage-directory';
import { UsageError } from './usage.errors';

const MAX_ACCOUNT_PART = 256;

function checkAccountPart(name: 'idp' | 'subject', value: string): string {
  if (value.length === 0 || value.length > MAX_ACCOUNT_PART || /[\u0000-\u001f\u007f]/.test(value)) {
    throw UsageError.invalid(name, `${name} must be 1-${MAX_ACCOUNT_PART} characters without control characters`);
  }
  return value;
}

export function toDecisionView(r: DecisionRow): DecisionDto {
  return {
    id: r.id,
    at: r.at,
    outcome: r.outcome,
    idp: r.idp,
    subject: r.subject,
    applicationId: r.applicationId,
    applicationName: r.applicationName,
    tenantId: r.tenantId,
    sessionId: r.sessionId,
    deviceName: r.metadata.deviceName || UNKNOWN,
    metadata: r.metadata,
    rules: r.advice.map((a) => ({
      policyName: a.policyName,
      ruleName: a.ruleName,
      message: a.message,
      threshold: a.threshold,
      attribute: a.attribute,
      scope: a.scope,
      conflicts: Object.entries(a.conflicts).flatMap(([key, streams]) => streams.map((s) => ({ key, ...s }))),
    })),
  };
}

const newestFirst = (a: DecisionRow, b: DecisionRow) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1);

/**
 * Reads of the decision log, scoped to the caller's tenants (an application's decisions belong to its tenant).
 * This process' decisions not written yet are added, so an operator sees a denial the moment it happened.
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly repository: DecisionsRepository,
    private readonly log: DecisionLog,
    private readonly directory: UsageDirectory,
  ) {}

  async forAccount(actor: Actor, idp: string, subject: string): Promise<{ idp: string; subject: string; decisions: DecisionDto[] }> {
    checkAccountPart('idp', idp);
    checkAccountPart('subject', subject);
    const tenants = visibleTenants(actor);
    const stored = await this.repository.findByAccount(idp, subject, tenants, DECISIONS_MAX_LIMIT);
    const unwritten = await this.unwritten((d) => d.idp === idp && d.subject === subject, tenants);
    return { idp, subject, decisions: this.merge(stored, unwritten, DECISIONS_MAX_LIMIT) };
  }

  async recent(actor: Actor, query: RecentDecisionsQueryDto): Promise<{ decisions: DecisionDto[] }> {
    const limit = query.limit ?? DECISIONS_DEFAULT_LIMIT;
    const visible = visibleTenants(actor);
    const tenants = query.tenantId === undefined ? visible : visible === 'all' || visible.includes(query.tenantId) ? [query.tenantId] : [];
    if (tenants !== 'all' && tenants.length === 0) return { decisions: [] };
    const stored = await this.repository.findRecent(tenants, limit);
    const unwritten = await this.unwritten(() => true, tenants);
    return { decisions: this.merge(stored, unwritten, limit) };
  }

  private async unwritten(keep: (d: PendingDecision) => boolean, tenants: 'all' | string[]): Promise<DecisionRow[]> {
    const pending = this.log.unwritten().filter(keep);
    if (pending.length === 0) return [];
    const directory = await this.directory.covering(pending.map((d) => d.applicationId));
    return pending.flatMap((d) => {
      const app = directory.applications.get(d.applicationId);
      if (!app || (tenants !== 'all' && !tenants.includes(app.tenantId))) return [];
      return [{ ...d, applicationName: app.name, tenantId: app.tenantId }];
    });
  }

  private merge(stored: DecisionRow[], unwritten: DecisionRow[], limit: number): DecisionDto[] {
    // A flush may commit between the two reads: the same decision can come from both.
    const byId = new Map<string, DecisionRow>();
    for (const r of [...stored, ...unwritten]) byId.set(r.id, r);
    return [...byId.values()].sort(newestFirst).slice(0, limit).map(toDecisionView);
  }
}
