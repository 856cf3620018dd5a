import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { UsageError, type CliIo } from '../command';
import { ApiFailure, ConfigurationApi, serverOptions } from './management-api';
import { parseOptions, SERVER_OPTIONS } from './options';
import { renderProblem } from './render';

/** YAML unless the format or the file's extension says JSON. */
function formatOf(format: string | undefined, output: string | undefined): 'yaml' | 'json' {
  if (format !== undefined) {
    if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format must be yaml or json, not "${format}"`);
    return format;
  }
  return output !== undefined && path.extname(output).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Text that parses back to exactly this document. */
export function serialize(document: unknown, format: 'yaml' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0 });
}

/** `cm config export [-o FILE] [--format yaml|json] [--tenant SLUG]`: the configuration of the tenants the token can see. */
export async function exportConfiguration(args: string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, {
    ...SERVER_OPTIONS,
    output: { type: 'string', short: 'o' },
    format: { type: 'string' },
    tenant: { type: 'string' },
  });
  const format = formatOf(values.format, values.output);
  const api = new ConfigurationApi(serverOptions(values, io.env));
  let document: unknown;
  try {
    document = await api.export(values.tenant);
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    io.err(`cm config export: ${renderProblem(error.status, error.problem)}`);
    return 1;
  }
  const text = serialize(document, format);
  if (values.output === undefined) {
    io.out(text);
    return 0;
  }
  await writeFile(path.resolve(io.cwd, values.output), text);
  const tenants = (document as { tenants: unknown[] }).tenants.length;
  io.err(`wrote ${values.output} (${tenants} tenant(s) from ${api.options.server})\n`);
  return 0;
}
