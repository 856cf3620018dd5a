import type { CliCommand, CliIo } from './command';
import { UsageError } from './command';

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'Usage: cm <command> [options]   (npm run cm -- <command> [options])',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this help, or a command's: cm help <command>`,
    '',
  ].join('\n');
}

/** The `cm` dispatcher: `cm <command> ...` runs that command; `cm help [command]` and `--help` print usage. */
export async function runCli(argv: string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    if (name === 'help' && rest[0] !== undefined && !topic) {
      io.err(`cm: unknown command "${rest[0]}"\n\n${overview(commands)}`);
      return 1;
    }
    (name === undefined ? io.err : io.out)(topic ? topic.usage : overview(commands));
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`cm: unknown command "${name}"\n\n${overview(commands)}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cm ${command.name}: ${error.message}\n\n${command.usage}`);
      return 1;
    }
    throw error;
  }
}
