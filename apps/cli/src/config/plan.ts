import type { CliIo } from '../command';
import { loadCheckedFile } from './load';
import { ApiFailure, type ApplyRequest, ConfigurationApi, serverOptions } from './management-api';
import { parseOptions, requireFile, SERVER_OPTIONS } from './options';
import { renderPlan, renderProblem } from './render';
import { configurationDigest, savePlan } from './saved-plan';

/** Exit codes of `cm config plan`, like `terraform plan -detailed-exitcode`. */
export const PLAN_EXIT = { noChanges: 0, error: 1, changes: 2 } as const;

/** `cm config plan -f FILE [--prune] [--out PLAN]`: what an apply would change, per object and field. */
export async function plan(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, {
    ...SERVER_OPTIONS,
    file: { type: 'string', short: 'f' },
    prune: { type: 'boolean' },
    out: { type: 'string' },
  });
  const name = requireFile(values.file);
  const api = new ConfigurationApi(serverOptions(values, io.env));
  const checked = await loadCheckedFile(name, io);
  if (!checked) return PLAN_EXIT.error;
  const prune = values.prune ?? false;
  try {
    const configuration = checked.file.value as ApplyRequest['configuration'];
    const result = await api.apply({ configuration, prune, dryRun: true });
    io.out(renderPlan(result, name, prune));
    if (values.out !== undefined) {
      await savePlan(values.out, io.cwd, {
        server: api.options.server,
        file: name,
        digest: configurationDigest(checked.file.value),
        prune,
        result,
      });
      io.err(`saved the plan to ${values.out}; apply exactly it with: cm config apply -f ${name} --plan ${values.out}\n`);
    }
    return result.changes ? PLAN_EXIT.changes : PLAN_EXIT.noChanges;
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    io.err(`cm config plan: ${renderProblem(error.status, error.problem, checked.file)}`);
    return PLAN_EXIT.error;
  }
}
