import { checkConfiguration, type DesiredConfiguration } from '@cm/configuration';
import type { CliIo } from '../command';
import { ConfigFileError, type ConfigFile, readConfigFile } from './config-file';
import { renderFieldErrors } from './render';

export interface CheckedFile {
  file: ConfigFile;
  configuration: DesiredConfiguration;
}

/**
 * Reads the file and checks it offline (the API's own DTO validation and the policy engine's rule validation); prints
 * what is wrong — file, line, object and field — and returns undefined if anything is.
 */
export async function loadCheckedFile(name: string, io: CliIo): Promise<CheckedFile | undefined> {
  let file: ConfigFile;
  try {
    file = await readConfigFile(name, io.cwd);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      io.err(`${error.message}\n`);
      return undefined;
    }
    throw error;
  }
  const check = checkConfiguration(file.value);
  if (!check.ok) {
    io.err(`${name}: invalid configuration (${check.errors.length} problem${check.errors.length === 1 ? '' : 's'}):\n`);
    io.err(`${renderFieldErrors(file, check.errors)}\n`);
    return undefined;
  }
  return { file, configuration: check.configuration };
}
