// `npm run dev`: the api (built like `npm start`, without the console bundle; on PORT or 3000) and the Vite dev server of the
// console on http://localhost:5173, which proxies /api, /v2, /healthz, /readyz and /metrics to the api.
// Without @vitejs/plugin-react there is no Fast Refresh: a change reloads the page. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const children = [];
const run = (name, command, args) => {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    console.log(`[dev] ${name} exited (${signal ?? code}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
};
let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', 'sh', ['-c', 'npm run build:api --silent && exec node --enable-source-maps dist/apps/api/src/main.js']);
run('vite', 'npx', ['vite', '--config', 'apps/admin/vite.config.mts']);
