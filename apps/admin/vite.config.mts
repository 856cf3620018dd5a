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
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // React Server Components' "use client" markers mean nothing in this client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
