// `npm run start:prod` and `npm run cm` check their build first: a clear message instead of "Cannot find module".
//   node scripts/require-build.mjs <file>...
import { existsSync } from 'node:fs';

const missing = process.argv.slice(2).filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`Not built (missing ${missing.join(', ')}): run \`npm run build\` first (it needs the dev dependencies: npm ci).`);
  process.exit(1);
}
