import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsFile } from './secrets-file';

describe(SecretsFile.name, () => {
  let dir: string;
  const mode = (name: string) => statSync(path.join(dir, name)).mode & 0o777;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cm-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a new file readable by its owner only, and leaves nothing else behind', async () => {
    const sut = SecretsFile.at(dir, 'secrets.env', false);
    expect(await sut.refusal()).toBeUndefined();
    await sut.write('app=s3cret\n');
    expect(readFileSync(path.join(dir, 'secrets.env'), 'utf8')).toBe('app=s3cret\n');
    expect(mode('secrets.env')).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secrets.env']);
  });

  it('refuses an existing file (whatever its mode) unless --force, and never writes into it', async () => {
    writeFileSync(path.join(dir, 'secrets.env'), 'old\n');
    chmodSync(path.join(dir, 'secrets.env'), 0o644);
    expect(await SecretsFile.at(dir, 'secrets.env', false).refusal()).toBe(
      'secrets.env already exists: choose a new file, or pass --force to replace it',
    );
    await expect(SecretsFile.at(dir, 'secrets.env', false).write('app=s3cret\n')).rejects.toThrow(/secrets.env appeared meanwhile/);
    expect(readFileSync(path.join(dir, 'secrets.env'), 'utf8')).toBe('old\n');
    expect(mode('secrets.env')).toBe(0o644);

    const forced = SecretsFile.at(dir, 'secrets.env', true);
    expect(await forced.refusal()).toBeUndefined();
    await forced.write('app=s3cret\n');
    expect(readFileSync(path.join(dir, 'secrets.env'), 'utf8')).toBe('app=s3cret\n');
    expect(mode('secrets.env')).toBe(0o600);
  });

  it('with --force replaces a link planted at the name instead of writing through it', async () => {
    writeFileSync(path.join(dir, 'elsewhere'), 'not yours\n');
    chmodSync(path.join(dir, 'elsewhere'), 0o644);
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'secrets.env'));
    await SecretsFile.at(dir, 'secrets.env', true).write('app=s3cret\n');
    expect(readFileSync(path.join(dir, 'elsewhere'), 'utf8')).toBe('not yours\n');
    expect(statSync(path.join(dir, 'secrets.env')).isFile()).toBe(true);
    expect(mode('secrets.env')).toBe(0o600);
  });
});
