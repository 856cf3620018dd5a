import type { CliIo } from '../command';
import { loadCheckedFile } from './load';
import { ApiFailure, type ApplyRequest, type ApplyResult, ConfigurationApi, serverOptions } from './management-api';
import { parseOptions, requireFile, SERVER_OPTIONS } from './options';
import { renderApplied, renderPlan, renderProblem } from './render';
import { configurationDigest, readSavedPlan } from './saved-plan';
import { SecretsFile } from './secrets-file';

/** Keeps the secrets of applications that got one (never printed): KEY=VALUE lines, readable by the owner only. */
async function keepSecrets(result: ApplyResult, secretsOut: SecretsFile | undefined, io: CliIo): Promise<void> {
  if (result.secrets.length === 0) return;
  if (secretsOut === undefined) {
    for (const s of result.secrets) {
      io.out(
        `application ${s.applicationId} got a secret, not shown: pass --secrets-out FILE to keep new secrets, or rotate it in the console\n`,
      );
    }
    return;
  }
  const text = result.secrets.map((s) => `${s.applicationId}=${s.secret}\n`).join('');
  await secretsOut.write(text);
  io.out(`wrote the secrets of ${result.secrets.map((s) => s.applicationId).join(', ')} to ${secretsOut.name}\n`);
}

/**
 * `cm config apply -f FILE [--prune] [--plan PLAN] [--secrets-out FILE [--force]]`: plans (or takes a saved plan), then applies
 * it — the server refuses when a tenant changed since that plan — and prints what it did.
 */
export async function apply(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, {
    ...SERVER_OPTIONS,
    file: { type: 'string', short: 'f' },
    prune: { type: 'boolean' },
    plan: { type: 'string' },
    'secrets-out': { type: 'string' },
    force: { type: 'boolean' },
  });
  const name = requireFile(values.file);
  const secretsOut = values['secrets-out'] === undefined ? undefined : SecretsFile.at(io.cwd, values['secrets-out'], values.force ?? false);
  // Before anything is applied: a secret made by the apply is shown nowhere else.
  const refusal = await secretsOut?.refusal();
  if (refusal) {
    io.err(`cm config apply: ${refusal}\n`);
    return 1;
  }
  const api = new ConfigurationApi(serverOptions(values, io.env));
  const checked = await loadCheckedFile(name, io);
  if (!checked) return 1;
  const configuration = checked.file.value as ApplyRequest['configuration'];
  let prune = values.prune ?? false;
  try {
    let planned: ApplyResult;
    if (values.plan !== undefined) {
      const saved = await readSavedPlan(values.plan, io.cwd).catch((error: Error) => error);
      if (saved instanceof Error) {
        io.err(`cm config apply: ${saved.message}\n`);
        return 1;
      }
      const mismatch =
        saved.server !== api.options.server
          ? `it was made against ${saved.server}, not ${api.options.server}`
          : saved.digest !== configurationDigest(checked.file.value)
            ? `${name} changed since the plan was made`
            : values.prune !== undefined && values.prune !== saved.prune
              ? `it was made ${saved.prune ? 'with' : 'without'} --prune`
              : undefined;
      if (mismatch) {
        io.err(`cm config apply: the plan in ${values.plan} does not fit: ${mismatch}; plan again\n`);
        return 1;
      }
      prune = saved.prune;
      planned = saved.result;
      io.out(`Applying the plan saved in ${values.plan}:\n`);
    } else {
      planned = await api.apply({ configuration, prune, dryRun: true });
    }
    io.out(renderPlan(planned, name, prune));
    if (!planned.changes) return 0;
    const result = await api.apply({
      configuration,
      prune,
      dryRun: false,
      expectedVersions: planned.tenants.map((t) => ({ slug: t.slug, version: t.version })),
    });
    io.out(renderApplied(result));
    await keepSecrets(result, secretsOut, io);
    return 0;
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    const refused = error.problem.code === 'CONFIGURATION_CHANGED' ? 'refused, ' : '';
    io.err(`cm config apply: ${refused}${renderProblem(error.status, error.problem, checked.file)}`);
    return 1;
  }
}
