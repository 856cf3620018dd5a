#!/usr/bin/env node
// Micro-benchmark of playback token signing, the work a heartbeat adds when its application has playback tokens:
// PlaybackTokensService.issue() (the real code, from dist/) with the key imported once, against importing the key
// on every call. No server, no database. Wall time depends on how busy the machine is; CPU time (user + system of
// the whole process, Web Crypto's worker threads included) is what a token costs the server.
//
//   npm run bench:tokens            (builds first)
//   node bench/playback-tokens.mjs  (after npm run build) [--seconds 3]

import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const require = createRequire(import.meta.url);
const { PlaybackTokensService } = require('../dist/libs/playback-tokens/src/playback-tokens.service.js');

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

async function measure(label, fn) {
  for (let i = 0; i < 500; i++) await fn(); // warm-up
  let n = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
  }
  const elapsedUs = Number(process.hrtime.bigint() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const row = {
    label,
    perSecond: Math.round((n / elapsedUs) * 1e6),
    microseconds: +(elapsedUs / n).toFixed(1),
    cpuMicroseconds: +((cpu.user + cpu.system) / n).toFixed(1),
  };
  console.log(
    `| ${row.label.padEnd(44)} | ${String(row.perSecond).padStart(8)} | ${String(row.microseconds).padStart(7)} | ${String(row.cpuMicroseconds).padStart(6)} |`,
  );
  return row;
}

console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one thread, ${seconds} s per row\n`);
console.log(`| ${'what'.padEnd(44)} | tokens/s | wall µs | CPU µs |`);
console.log(`| ${'-'.repeat(44)} | -------: | ------: | -----: |`);
for (const algorithm of ['EdDSA', 'ES256']) {
  const pair = await generateKeyPair(algorithm, { extractable: true, ...(algorithm === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const privateJwk = await exportJWK(pair.privateKey);
  const signer = { kid: 'bench', algorithm, key: await importJWK(privateJwk, algorithm) };
  const sut = new PlaybackTokensService({ current: async () => signer }, { issuer: 'https://cm.example.com' });
  const request = {
    applicationId: 'demo-app',
    idp: 'bench-idp',
    subject: 'subscriber-000123',
    sessionId: '019a1f2e-3c4d-7e5f-8a9b-0c1d2e3f4a5b',
    expiresAt: new Date(Date.now() + 60_000),
    origin: 'http://localhost:3000',
  };
  await measure(`${algorithm}: issue() with the cached key`, () => sut.issue(request));
  await measure(`${algorithm}: import the key, then sign (no cache)`, async () => {
    const key = await importJWK(privateJwk, algorithm);
    return new SignJWT({ sid: request.sessionId }).setProtectedHeader({ alg: algorithm, kid: 'bench' }).sign(key);
  });
}
