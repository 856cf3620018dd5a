import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The api `npm run dev` proxies to (the one `npm start` runs: PORT, default 3000). */
const api = process.env.CM_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

// No @vitejs/plugin-react: Vite 8 transforms TSX itself with Oxc (automatic JSX runtime). Without the plugin there
// is no React Fast Refresh, so `npm run dev` reloads the page on each change.
export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  // The player simulator runs the real player SDK (libs/client), built from source like the api's libraries.
  resolve: {
    alias: {
      '@cm/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)),
      '@cm/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    // Host and Origin stay the dev server's, so the api's same-origin (CSRF) check passes through the proxy.
    proxy: Object.fromEntries(['/api', '/v2', '/healthz', '/readyz', '/metrics'].map((path) => [path, { target: api }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // React Server Components' "use client" markers mean nothing in this client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      // Pages are loaded lazily (App.tsx); the libraries every page shares get chunks of their own, cached across
      // releases that do not upgrade them. Vite's 500 kB warning stays on: no chunk may pass it (a test checks).
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', priority: 3, test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            { name: 'mantine', priority: 2, test: /node_modules[\\/]@mantine[\\/](core|hooks|form|notifications)[\\/]/ },
            { name: 'charts', test: /node_modules[\\/](recharts|@mantine[\\/]charts)[\\/]/ },
            // recharts' own dependencies (d3, redux, es-toolkit): a second chunk, or recharts alone passes 500 kB.
            {
              name: 'charts-deps',
              priority: 1,
              test: /node_modules[\\/](d3-[a-z]+|internmap|decimal\.js-light|es-toolkit|@reduxjs|redux|react-redux|immer|reselect|eventemitter3)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
