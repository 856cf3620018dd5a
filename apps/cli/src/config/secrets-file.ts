import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * A file that holds secrets: written whole or not at all, readable by its owner only (mode 600) from the first
 * byte, never by reusing an existing file's permissions. The text goes to a new file of the same folder, created
 * with mode 600 (`wx`: never an existing file or a planted link), and is then moved into place.
 */
export class SecretsFile {
  constructor(
    /** The path as the user wrote it (messages show it). */
    readonly name: string,
    private readonly file: string,
    private readonly force: boolean,
  ) {}

  static at(cwd: string, name: string, force: boolean): SecretsFile {
    return new SecretsFile(name, path.resolve(cwd, name), force);
  }

  /** Why this file may not be written (it exists and --force was not given), or undefined. Asked before any change. */
  async refusal(): Promise<string | undefined> {
    if (this.force) return undefined;
    const exists = await access(this.file, constants.F_OK).then(
      () => true,
      () => false,
    );
    return exists ? `${this.name} already exists: choose a new file, or pass --force to replace it` : undefined;
  }

  /**
   * Writes `text`. Without --force a file that appeared meanwhile is left alone and the secrets stay in the new
   * file, whose name the error gives.
   */
  async write(text: string): Promise<void> {
    const temporary = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (this.force) {
      await rename(temporary, this.file);
      return;
    }
    try {
      await link(temporary, this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new Error(`${this.name} appeared meanwhile and was left alone; the secrets are in ${temporary} (mode 600)`);
      }
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await unlink(temporary);
  }
}
