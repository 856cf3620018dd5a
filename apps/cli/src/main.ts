import 'reflect-metadata';
import { runCli } from './cli';
import type { CliIo } from './command';
import { COMMANDS } from './commands';

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

runCli(process.argv.slice(2), io, COMMANDS).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('cm failed:', error);
    process.exitCode = 1;
  },
);
