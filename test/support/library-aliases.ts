import Module from 'node:module';
import * as path from 'node:path';

/**
 * Jest applies moduleNameMapper inside test files only, not to globalSetup: this resolves the `@cm/<lib>` aliases
 * (tsconfig paths) for code that global-setup.ts loads (the migrations and the entities they import). Import it
 * before anything that imports a library.
 */
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const original = loader._resolveFilename;
const libs = path.resolve(__dirname, '..', '..', 'libs');

loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  const alias = /^@cm\/([a-z-]+)$/.exec(request);
  return original.call(this, alias ? path.join(libs, alias[1], 'src') : request, ...rest);
};
