#!/usr/bin/env node
'use strict';
/**
 * The `cm` command (package.json "bin", and `npm run cm -- ...`). In a development tree (sources and @swc/core
 * present) it runs apps/cli/src directly, compiling each TypeScript file in memory with the project's .swcrc, so
 * no build step and no shared output directory; elsewhere it runs the compiled dist/apps/cli/src/main.js
 * (`npm run build`).
 */
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'apps', 'cli', 'src', 'main.ts');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function swcCore() {
  try {
    return require(require.resolve('@swc/core', { paths: [root] }));
  } catch {
    return undefined;
  }
}

/** Lets require() load the project's .ts files: swc with .swcrc (decorators, metadata, @cm/* paths), inline source maps. */
function registerTypeScript(swc) {
  const rc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
  delete rc.$schema;
  delete rc.exclude;
  const options = {
    ...rc,
    swcrc: false,
    sourceMaps: 'inline',
    jsc: { ...rc.jsc, baseUrl: root },
  };
  process.setSourceMapsEnabled(true);
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
    module._compile(code, filename);
  };
}

const swc = existsSync(source) ? swcCore() : undefined;
if (swc) {
  registerTypeScript(swc);
  require(source);
} else if (existsSync(compiled)) {
  require(compiled);
} else {
  console.error('cm: the CLI is not built; run `npm run build` first');
  process.exit(1);
}
