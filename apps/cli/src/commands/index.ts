import type { CliCommand } from '../command';
import { configCommand } from './config';
import { resetPasswordCommand } from './reset-password';
import { versionCommand } from './version';

/** Every `cm` subcommand, in the order `cm help` lists them. Add yours here (one file per command). */
export const COMMANDS: readonly CliCommand[] = [configCommand, resetPasswordCommand, versionCommand];
