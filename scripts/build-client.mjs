// The player SDK's script-tag build: one minified IIFE per integration of @cm/client (libs/client/dist/iife), for
// pages without a bundler, each checked against its gzip size budget. `npm run build:client`; fails naming the
// bundle over its budget. Bundlers use the ES modules (`@cm/client/media`...) instead.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const IIFE_DIR = join(root, 'libs/client/dist/iife');

/**
 * Each integration: its entry, the global it defines (`window.CM.<name>`), and its budget in gzip bytes. The
 * players themselves are not bundled: the adapters take the caller's hls.js, Shaka or video.js.
 */
export const BUNDLES = [
  { name: 'media', entry: 'libs/client/src/media/index.ts', budget: 8 * 1024 },
  { name: 'ui', entry: 'libs/client/src/ui/index.ts', budget: 4 * 1024 },
  { name: 'hlsjs', entry: 'libs/client/src/hlsjs/index.ts', budget: 8 * 1024 },
  { name: 'shaka', entry: 'libs/client/src/shaka/index.ts', budget: 8 * 1024 },
  { name: 'videojs', entry: 'libs/client/src/videojs/index.ts', budget: 8 * 1024 },
];
/** A page that binds a plain <video> and shows the conflict dialog loads these two. */
export const MEDIA_AND_UI_BUDGET = 12 * 1024;

const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

export async function buildClient({ log = console.log } = {}) {
  rmSync(IIFE_DIR, { recursive: true, force: true });
  mkdirSync(IIFE_DIR, { recursive: true });
  const sizes = {};
  for (const { name, entry } of BUNDLES) {
    const bundle = await rolldown({
      input: join(root, entry),
      platform: 'browser',
      resolve: { alias: { '@cm/contracts': join(root, 'libs/contracts/src/index.ts') } },
      logLevel: 'warn',
    });
    const file = join(IIFE_DIR, `cm-${name}.min.js`);
    await bundle.write({ file, format: 'iife', name: `CM.${name}`, extend: true, minify: true, sourcemap: true });
    await bundle.close();
    sizes[name] = gzipSize(file);
  }
  const failures = [];
  for (const { name, budget } of BUNDLES) {
    const over = sizes[name] > budget;
    log(`cm-${name}.min.js  ${kb(sizes[name])} gzip (budget ${kb(budget)})${over ? '  OVER BUDGET' : ''}`);
    if (over) failures.push(`cm-${name}.min.js is ${kb(sizes[name])} gzip, over its budget of ${kb(budget)}`);
  }
  const mediaAndUi = sizes.media + sizes.ui;
  log(`media + ui       ${kb(mediaAndUi)} gzip (budget ${kb(MEDIA_AND_UI_BUDGET)})`);
  if (mediaAndUi > MEDIA_AND_UI_BUDGET)
    failures.push(`media + ui is ${kb(mediaAndUi)} gzip, over its budget of ${kb(MEDIA_AND_UI_BUDGET)}`);
  return { sizes, failures };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { failures } = await buildClient();
  if (failures.length > 0) {
    for (const failure of failures) console.error(`build:client: ${failure}`);
    process.exit(1);
  }
}
