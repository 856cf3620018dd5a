import type { CliIo } from '../command';
import { loadCheckedFile } from './load';
import { parseOptions, requireFile } from './options';

/** `cm config validate -f FILE`: the file's schema and rules, offline (no server). 0 valid, 1 not. */
export async function validate(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, { file: { type: 'string', short: 'f' } });
  const name = requireFile(values.file);
  const checked = await loadCheckedFile(name, io);
  if (!checked) return 1;
  const { tenants } = checked.configuration;
  const apps = tenants.reduce((n, t) => n + t.applications.length, 0);
  const policies = tenants.reduce((n, t) => n + t.policies.length, 0);
  io.out(`${name}: valid (${tenants.length} tenant(s), ${apps} application(s), ${policies} polic${policies === 1 ? 'y' : 'ies'})\n`);
  return 0;
}
