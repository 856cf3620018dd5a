import { runCli } from './cli';
import { type CliCommand, type CliIo, UsageError } from './command';

function capture(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {},
    cwd: process.cwd(),
    stdout: () => out,
    stderr: () => err,
  };
}

const echo: CliCommand = {
  name: 'echo',
  summary: 'Print the arguments',
  usage: 'Usage: cm echo [words...]\n',
  run: (args, io) => {
    if (args[0] === '--bad') throw new UsageError('no --bad here');
    io.out(args.join(' '));
    return Promise.resolve(args.length === 0 ? 3 : 0);
  },
};

describe(runCli.name, () => {
  it('runs the named command with the rest of the arguments and returns its exit code', async () => {
    const io = capture();
    expect(await runCli(['echo', 'a', 'b'], io, [echo])).toBe(0);
    expect(io.stdout()).toBe('a b');
    expect(await runCli(['echo'], capture(), [echo])).toBe(3);
  });

  it('lists the commands for help, and fails (1) with the list when no command is given', async () => {
    const help = capture();
    expect(await runCli(['help'], help, [echo])).toBe(0);
    expect(help.stdout()).toMatch(/echo +Print the arguments/);
    const none = capture();
    expect(await runCli([], none, [echo])).toBe(1);
    expect(none.stderr()).toMatch(/Usage: cm <command>/);
  });

  it("prints a command's usage for --help and for cm help <command>", async () => {
    for (const argv of [
      ['echo', '--help'],
      ['help', 'echo'],
    ]) {
      const io = capture();
      expect(await runCli(argv, io, [echo])).toBe(0);
      expect(io.stdout()).toBe(echo.usage);
    }
  });

  it('names an unknown command, and a usage error with the usage, exiting 1', async () => {
    const unknown = capture();
    expect(await runCli(['nope'], unknown, [echo])).toBe(1);
    expect(unknown.stderr()).toMatch(/unknown command "nope"/);
    const bad = capture();
    expect(await runCli(['echo', '--bad'], bad, [echo])).toBe(1);
    expect(bad.stderr()).toBe(`cm echo: no --bad here\n\n${echo.usage}`);
  });
});
