import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { canonicalJson } from '@cm/configuration';
import type { ApplyResult } from './management-api';

const FORMAT = 'cm-config-plan';

/** A plan saved by `cm config plan --out FILE`, applied as is by `cm config apply --plan FILE`. */
export interface SavedPlan {
  format: typeof FORMAT;
  server: string;
  file: string;
  /** Digest of the configuration the plan was made from (its content, not its formatting). */
  digest: string;
  prune: boolean;
  result: ApplyResult;
}

export const configurationDigest = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');

export async function savePlan(name: string, cwd: string, plan: Omit<SavedPlan, 'format'>): Promise<void> {
  await writeFile(path.resolve(cwd, name), `${JSON.stringify({ format: FORMAT, ...plan }, null, 2)}\n`);
}

/** Reads a saved plan; throws an Error whose message names the file when it is not one. */
export async function readSavedPlan(name: string, cwd: string): Promise<SavedPlan> {
  let plan: Partial<SavedPlan>;
  try {
    plan = JSON.parse(await readFile(path.resolve(cwd, name), 'utf8')) as Partial<SavedPlan>;
  } catch (error) {
    throw new Error(`${name}: cannot read the saved plan (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (plan.format !== FORMAT || typeof plan.digest !== 'string' || typeof plan.server !== 'string' || !plan.result) {
    throw new Error(`${name}: not a plan saved by \`cm config plan --out\``);
  }
  return plan as SavedPlan;
}
