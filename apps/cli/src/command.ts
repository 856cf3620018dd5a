/** What a subcommand of `cm` sees of the world, so it runs the same from a terminal, CI or a test. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Relative file arguments are read and written from here. */
  cwd: string;
}

/** One subcommand of `cm` (`cm <name> ...`), in its own file under commands/ and listed in commands/index.ts. */
export interface CliCommand {
  name: string;
  /** One line for `cm help`. */
  summary: string;
  /** The full help text (`cm <name> --help`). */
  usage: string;
  /** Returns the process exit code. */
  run: (args: string[], io: CliIo) => Promise<number>;
}

/** A bad command line: the dispatcher prints the message and the command's usage, and exits 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
