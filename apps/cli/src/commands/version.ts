import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';

/** The version in the root package.json (found upwards from here: works from the sources and from dist/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'concurrency-monitor' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'Print the version of this Concurrency Monitor checkout',
  usage: 'Usage: cm version\n\nPrints the version from package.json.\n',
  run: (args, io) => {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
    io.out(`${packageVersion()}\n`);
    return Promise.resolve(0);
  },
};
