import type { ConfigurationFieldError } from '@cm/configuration';
import type { ConfigFile } from './config-file';
import { describeField } from './config-file';
import type { ApplyResult, Problem } from './management-api';

type TenantPlan = ApplyResult['tenants'][number];
type Change = TenantPlan['changes'][number];

const SIGN: Record<Change['action'], string> = { create: '+', update: '~', delete: '-' };
const value = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** A new object's settings, nested ones by their path (`playbackTokens.enabled: false`); lists stay whole. */
function createdLines(field: string, after: unknown): string[] {
  if (after !== null && typeof after === 'object' && !Array.isArray(after)) {
    return Object.entries(after).flatMap(([key, v]) => createdLines(`${field}.${key}`, v));
  }
  return [`      ${field}: ${value(after)}`];
}

function changeLines(change: Change): string[] {
  const name = change.kind === 'policy' ? `"${change.key}"` : change.key;
  const head = `  ${SIGN[change.action]} ${change.kind} ${name}`;
  if (change.action === 'delete') return [head];
  const fields = change.fields.flatMap((f) =>
    change.action === 'create' ? createdLines(f.field, f.after) : [`      ${f.field}: ${value(f.before)} → ${value(f.after)}`],
  );
  return [head, ...fields];
}

/** Counts of the changes of a plan, for its last line. */
function summary(tenants: TenantPlan[]): { create: number; update: number; delete: number } {
  const count = { create: 0, update: 0, delete: 0 };
  for (const t of tenants) for (const c of t.changes) count[c.action]++;
  return count;
}

/**
 * A plan as people read it: per tenant, each object to create (+, with its fields), change (~, one line per changed
 * field) or delete (-), then what the file does not list; "no changes" when there is nothing to do.
 */
export function renderPlan(result: ApplyResult, file: string, prune: boolean): string {
  const lines: string[] = [];
  for (const t of result.tenants) {
    const kept = prune ? [] : t.absent;
    if (t.changes.length === 0 && kept.length === 0) continue;
    lines.push(`tenant ${t.slug} (${t.version === 'absent' ? 'new' : `version ${t.version}`})`);
    for (const change of t.changes) lines.push(...changeLines(change));
    if (kept.length > 0) {
      const names = kept.map((a) => (a.kind === 'policy' ? `policy "${a.key}"` : `application ${a.key}`)).join(', ');
      lines.push(`  (not in ${file}, kept: ${names}; --prune deletes them)`);
    }
    lines.push('');
  }
  if (!result.changes) {
    lines.push(`${file}: no changes`);
  } else {
    const n = summary(result.tenants);
    lines.push(`Plan: ${n.create} to create, ${n.update} to change, ${n.delete} to delete.`);
  }
  return `${lines.join('\n')}\n`;
}

/** What an apply did. */
export function renderApplied(result: ApplyResult): string {
  const n = summary(result.tenants);
  const versions = result.tenants
    .filter((t) => t.changes.length > 0)
    .map((t) => `  tenant ${t.slug}: version ${t.version === 'absent' ? '(new)' : t.version} → ${t.versionAfter ?? '?'}`);
  return [`Applied: ${n.create} created, ${n.update} changed, ${n.delete} deleted.`, ...versions, ''].join('\n');
}

/** One line per problem: where it is in the file, the object and the field. */
export function renderFieldErrors(file: ConfigFile, errors: ConfigurationFieldError[]): string {
  return errors
    .map((e) => {
      const field = e.field.replace(/^configuration\.?/, '');
      const { object, field: inObject } = describeField(file.value, field);
      return `  ${file.locate(field)}: ${object}${inObject ? `, field ${inObject}` : ''}: ${e.message}`;
    })
    .join('\n');
}

/** A server refusal, its fields mapped back to the file when they point into it. */
export function renderProblem(status: number, problem: Problem, file?: ConfigFile): string {
  const head = `${status === 0 ? 'error' : `the server answered ${status}`}${problem.code ? ` ${problem.code}` : ''}: ${problem.detail ?? problem.title ?? ''}`;
  const fields = problem.errors ?? [];
  if (fields.length === 0) return `${head}\n`;
  const inFile = file ? fields.filter((e) => e.field.startsWith('configuration')) : [];
  const other = fields.filter((e) => !inFile.includes(e));
  return [
    head,
    ...(file && inFile.length > 0 ? [renderFieldErrors(file, inFile)] : []),
    ...other.map((e) => `  ${e.field}: ${e.message}`),
    '',
  ].join('\n');
}
