/**
 * Runs the licence gate from environment variables:
 *
 *   UPSTREAM=http://127.0.0.1:8080 CM_URL=http://127.0.0.1:3000 CM_AUDIENCE=demo-app PORT=8081 npm run licence-gate
 *
 * UPSTREAM      the licence server (or CDN origin) to protect
 * CM_URL        the Concurrency Monitor (its keys are read from CM_URL/.well-known/jwks.json), or set CM_JWKS_URL
 * CM_AUDIENCE   comma-separated application ids whose tokens are accepted
 * CM_ISSUER     optional: the expected issuer (the Concurrency Monitor's CM_PUBLIC_URL)
 * PORT          where the gate listens (default 8081); HOST (default 127.0.0.1)
 */
import { createLicenceGate } from './gate';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`licence-gate: set ${name} (see examples/licence-gate/README.md)`);
    process.exit(2);
  }
  return value;
}

const upstream = required('UPSTREAM');
const jwksUrl = process.env.CM_JWKS_URL ?? `${required('CM_URL').replace(/\/+$/, '')}/.well-known/jwks.json`;
const audience = required('CM_AUDIENCE')
  .split(',')
  .map((a) => a.trim())
  .filter(Boolean);
const port = Number(process.env.PORT ?? 8081);
const host = process.env.HOST ?? '127.0.0.1';

const gate = createLicenceGate({
  upstream,
  jwksUrl,
  audience,
  issuer: process.env.CM_ISSUER || undefined,
  onDecision: (d) =>
    console.log(
      JSON.stringify({
        at: new Date().toISOString(),
        method: d.method,
        path: d.path,
        allowed: d.allowed,
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.claims ? { application: d.claims.aud, session: d.claims.sid } : {}),
      }),
    ),
});
gate.listen(port, host, () => console.log(`licence-gate on http://${host}:${port} -> ${upstream} (tokens of ${audience.join(', ')})`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => gate.close(() => process.exit(0)));
