#!/usr/bin/env node
// Benchmark of the CM v2 player API against the ceilings it sits on. Per HTTP adapter, in one run: a raw node:http
// no-op and a bare Nest 12 no-op on the same adapter (bench/baseline.mjs), then the real server (built, started as a
// child process), each scenario at its maximum rate and again at half that rate (p50/p99 there). Every scenario is
// reported as a ratio to the bare Nest no-op and to raw node:http of the same run. Load from autocannon in this
// process; prints a Markdown summary and writes bench/results/<date>-<adapter>.json and .md.
//
//   npm run bench -- [--adapter express|fastify|both] [--duration 10] [--sessions 1000] [--connections 32]
//                    [--only healthz,heartbeat,...] [--workers N] [--profile] [--async-commit] [--no-build]
//                    [--store postgres|redis] [--cluster] [--redis-url redis://host:port]
//
// --store redis: sessions in Redis (CM_SESSION_STORE=redis) — a redis-server started for the run (or the node of
// --redis-url, keys under a prefix of the run's own: its statistics then include other clients'), or with --cluster a
// local Redis Cluster of 3 masters + 3 replicas started for the run; every scenario then also reports Redis CPU and
// commands per request and the server's CPU per request, and the run Redis memory per running session (bench/redis.mjs).
//
// DATABASE_URL set: a fresh database per adapter is created on that server (and dropped afterwards).
// Unset: an embedded PostgreSQL under .data/bench (started by this process, shared by both adapters).

import autocannon from 'autocannon';
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { connect, dropPrefix, perRequest, processCpuSeconds, seedRedisInBulk, startLocalCluster, startLocalNode } from './redis.mjs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const require = createRequire(import.meta.url);

const APP = 'demo-app'; // seeded on an empty database: no secret, 60 s heartbeat, "3 streams cap" (reject)
const AUTH = `Basic ${Buffer.from(`${APP}:`).toString('base64')}`;
const IDP = 'bench';
const HEARTBEAT_SET = 1000; // distinct sessions the heartbeat scenarios go round
const FULL_ACCOUNTS = 100; // accounts at their limit (3 streams) for the denial scenario
const SCENARIOS = ['healthz', 'heartbeat', 'mix', 'init', 'init-households', 'init-households-known', 'init-denied'];
// init-households-known: accounts of their own, each with its device registered and its network counted beforehand
// (one start then a stop each); the scenario goes round them, so every start is from a registered device at home.
const KNOWN_ACCOUNTS = 5000;
// init-households: an application of its own whose policy caps devices and households (issue 16), created through the
// management API as this operator (the server is started with it).
const HOUSEHOLDS_APP = 'bench-households';
const BENCH_ADMIN = { email: 'bench-admin@example.test', password: 'bench-admin-password-1' };
const HOUSEHOLD_RULES = [
  { type: 'device-registration', name: '5 devices', limit: 5, by: 'deviceId', swap: { max: 2, windowDays: 30 } },
  { name: '2 households', limit: 2, countBy: 'network.id' },
  { name: '4 streams', limit: 4 },
];

// ---------------------------------------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    adapter: 'both',
    duration: 10,
    sessions: HEARTBEAT_SET,
    connections: 32,
    only: SCENARIOS,
    profile: false,
    build: true,
    workers: '1',
    store: 'postgres',
    cluster: false,
    redisUrl: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--adapter':
        o.adapter = value();
        break;
      case '--duration':
        o.duration = Number(value());
        break;
      case '--sessions':
        o.sessions = Number(value());
        break;
      case '--connections':
        o.connections = Number(value());
        break;
      case '--only':
        o.only = value().split(',');
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--workers':
        // CM_WORKERS of the server (1, N or auto).
        o.workers = value();
        break;
      case '--async-commit':
        // Experiment: the database runs with synchronous_commit = off (what a heartbeat-only setting would give).
        o.asyncCommit = true;
        break;
      case '--store':
        o.store = value();
        break;
      case '--cluster':
        o.cluster = true;
        break;
      case '--redis-url':
        o.redisUrl = value();
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--help':
      case '-h':
        console.log(
          readFileSync(fileURLToPath(import.meta.url), 'utf8')
            .split('\n')
            .slice(1, 19)
            .join('\n')
            .replace(/^\/\/ ?/gm, ''),
        );
        process.exit(0);
        break;
      default:
        fail(`unknown option ${argv[i]} (see --help)`);
    }
  }
  if (!['express', 'fastify', 'both'].includes(o.adapter)) fail('--adapter must be express, fastify or both');
  if (!['postgres', 'redis'].includes(o.store)) fail('--store must be postgres or redis');
  if (o.cluster && o.store !== 'redis') fail('--cluster needs --store redis');
  if (!(o.duration >= 1)) fail('--duration must be a number of seconds >= 1');
  if (!Number.isInteger(o.sessions) || o.sessions < 1 || o.sessions > 20_000_000) fail('--sessions must be an integer from 1 to 20000000');
  if (!Number.isInteger(o.connections) || o.connections < 1) fail('--connections must be a positive integer');
  const unknown = o.only.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length) fail(`--only: unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  return o;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------- progress

const t0 = Date.now();
const step = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const ms = (x) => (x === undefined || x === null ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const int = (x) => Math.round(x).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------- database

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const withDatabase = (url, name) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Where the databases live: the given DATABASE_URL's server, or an embedded PostgreSQL. */
async function databaseServer() {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => undefined };
  step('starting an embedded PostgreSQL under .data/bench');
  const { startEmbeddedPostgres } = require(path.join(ROOT, 'dist/apps/api/src/database/embedded-postgres.js'));
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(ROOT, '.data', 'bench') });
  return { adminUrl: embedded.url, stop: embedded.stop };
}

async function freshDatabase(adminUrl, adapter, options) {
  const name = `cm_bench_${adapter}`;
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    if (options.asyncCommit) await c.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  return {
    url: withDatabase(adminUrl, name),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

// ---------------------------------------------------------------------------------------------- server

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startServer(adapter, databaseUrl, options) {
  const port = await freePort();
  const profileDir = path.join(RESULTS, 'profiles');
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  const args = [...(options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), 'dist/apps/api/src/main.js'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      CM_HTTP_ADAPTER: adapter,
      LOG_LEVEL: 'warn',
      CM_DEMO_SEED: 'true',
      CM_ADMIN_EMAIL: BENCH_ADMIN.email,
      CM_ADMIN_PASSWORD: BENCH_ADMIN.password,
      // init-households places each start on the network of its X-Forwarded-For (nothing else sends one).
      CM_TRUST_PROXY: 'loopback',
      CM_ALLOW_OPEN_APPLICATIONS: 'true', // the demo application has no secret (NODE_ENV=production)
      ...(options.redis ? options.redis.env : {}),
      CM_THROTTLE_SESSION_PER_MINUTE: '1000000000',
      CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE: '1000000000',
      CM_WORKERS: options.workers,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 200))]);
    if (early) throw new Error(`the server exited (${JSON.stringify(early)}) before answering:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within 120 s:\n${output}`);
    }
  }
  const before = new Set(options.profile ? readdirSync(profileDir) : []);
  return {
    url,
    pid: child.pid,
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      if (!options.profile) return undefined;
      const fresh = readdirSync(profileDir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
      return fresh.length ? path.join(profileDir, fresh[0]) : undefined;
    },
  };
}

/** A ceiling (bench/baseline.mjs): raw node:http, or a bare Nest app on `kind` (express, fastify). */
async function startBaseline(kind) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'baseline.mjs'), kind], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 100))]);
    if (early) throw new Error(`the ${kind} baseline exited (${JSON.stringify(early)}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${kind} baseline did not answer within 60 s:\n${output}`);
    }
  }
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------- seeding

async function cm(url, method, pathname, headers = {}) {
  const res = await fetch(`${url}${pathname}`, { method, headers: { authorization: AUTH, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs `work(i)` for i in [0, n) with `concurrency` calls in flight. */
async function pool(n, concurrency, work) {
  let next = 0;
  const out = new Array(n);
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

/**
 * The init-households application: in the demo tenant, no secret, one policy with a device-registration rule (5
 * devices), a household rule (`countBy: network.id`, 2) and a stream cap (4), through the management API.
 */
async function givenHouseholdsApplication(url) {
  const call = async (method, pathname, body, headers) => {
    const res = await fetch(`${url}/api/v1${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathname}: HTTP ${res.status} ${text}`);
    return { res, body: text ? JSON.parse(text) : undefined };
  };
  const login = await call('POST', '/auth/login', BENCH_ADMIN);
  const cookie = (login.res.headers.get('set-cookie') ?? '').split(';')[0];
  const { token } = (await call('POST', '/tokens', { name: 'bench' }, { cookie, origin: url })).body;
  const auth = { authorization: `Bearer ${token}` };
  const tenants = (await call('GET', '/tenants', undefined, auth)).body;
  const tenant = (Array.isArray(tenants) ? tenants : tenants.items)[0];
  await call('POST', `/tenants/${tenant.id}/applications`, { id: HOUSEHOLDS_APP, name: 'Bench households' }, auth);
  const policy = (await call('POST', `/tenants/${tenant.id}/policies`, { name: 'bench households', rules: HOUSEHOLD_RULES }, auth)).body;
  await call('PUT', `/applications/${HOUSEHOLDS_APP}/policies`, { policyIds: [policy.id] }, auth);
}

const knownAddress = (n) => `81.3.${(n >> 8) & 255}.${n & 255}`;
const knownPath = (n) => `/v2/sessions/${IDP}/hhk-${n}?channel=news&deviceId=tv-k-${n}&deviceName=Living%20room%20TV`;

/** The init-households-known accounts: each registers its device and is placed on its network (a start, then a stop). */
async function seedKnownDevices(url) {
  const auth = { authorization: `Basic ${Buffer.from(`${HOUSEHOLDS_APP}:`).toString('base64')}` };
  await pool(KNOWN_ACCOUNTS, 16, async (n) => {
    const headers = { ...auth, 'x-forwarded-for': knownAddress(n) };
    const started = await cm(url, 'POST', knownPath(n), headers);
    if (started.status !== 202) throw new Error(`seeding hhk-${n}: HTTP ${started.status} ${JSON.stringify(started.body)}`);
    const stopped = await cm(url, 'DELETE', `/v2/sessions/${IDP}/hhk-${n}/${started.body.sessionId}`, headers);
    if (stopped.status !== 202) throw new Error(`stopping hhk-${n}: HTTP ${stopped.status}`);
  });
}

/** `count` accounts `<prefix>-<i>` with `perAccount` running sessions each, started over HTTP. */
async function seedOverHttp(url, prefix, count, perAccount) {
  const sessions = await pool(count * perAccount, 16, async (i) => {
    const subject = `${prefix}-${Math.floor(i / perAccount)}`;
    const r = await cm(url, 'POST', `/v2/sessions/${IDP}/${subject}?channel=c${i % perAccount}`);
    if (r.status !== 202) throw new Error(`seeding ${subject}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return { subject, id: r.body.sessionId };
  });
  return sessions;
}

/** Running sessions straight in SQL (INSERT … SELECT generate_series), in batches, for the large sizes. */
async function seedInBulk(databaseUrl, total) {
  const BATCH = 100_000;
  await withClient(databaseUrl, async (c) => {
    for (let from = 0; from < total; from += BATCH) {
      const to = Math.min(total, from + BATCH) - 1;
      // UUIDv7 built in SQL: 48-bit ms timestamp, version 7, variant 8, the rest from md5(g).
      await c.query(
        `INSERT INTO sessions (id, idp, subject, application_id, termination_code, metadata, started_at, expires_at, policy_epoch)
         SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint - 1800000 + g / 1000), 12, '0')
                  || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
                'bulk', 'acct-' || (g / 3), $3, lpad(to_hex(g), 8, '0'),
                jsonb_build_object('channel', 'ch' || (g % 50), 'deviceName', 'Device ' || (g % 3)),
                now() - interval '30 minutes', now() + interval '1 hour' + (g % 600) * interval '1 second',
                (SELECT policy_epoch FROM applications WHERE id = $3)
           FROM generate_series($1::bigint, $2::bigint) AS g, LATERAL (SELECT md5(g::text) AS h) AS x`,
        [from, to, APP],
      );
      step(`  bulk-inserted ${int(to + 1)} / ${int(total)} sessions`);
    }
    await c.query('VACUUM ANALYZE sessions');
  });
}

/** The live snapshot the usage API will serve: running sessions per application. Median of 5 runs, in ms. */
async function timeSnapshot(databaseUrl) {
  return withClient(databaseUrl, async (c) => {
    const sql = `SELECT application_id, count(*) FROM sessions
                  WHERE ended_at IS NULL AND expires_at > now() - make_interval(secs => 30) GROUP BY application_id`;
    const times = [];
    let rows = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      rows = (await c.query(sql)).rows;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const running = rows.reduce((n, r) => n + Number(r.count), 0);
    return { medianMs: times[2], running };
  });
}

// ---------------------------------------------------------------------------------------------- load

const roundRobin = (sessions) => {
  let i = 0;
  return (req) => {
    const s = sessions[i++ % sessions.length];
    return { ...req, path: `/v2/sessions/${s.idp ?? IDP}/${s.subject}/${s.id}` };
  };
};

let uniq = 0;

/** autocannon request lists per scenario; `data` holds the seeded sessions. */
function requestsFor(scenario, data) {
  switch (scenario) {
    case 'healthz':
      return { requests: [{ method: 'GET', path: '/healthz' }] };
    case 'heartbeat':
      return { requests: [{ method: 'POST', setupRequest: roundRobin(data.heartbeat) }] };
    case 'init':
      // Every start on a fresh account: admitted (202).
      return {
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: `/v2/sessions/${IDP}/init-${uniq++}?channel=news` }) }],
      };
    case 'init-households': {
      // Every start on a fresh account from a new device (registered: the register's insert under its lock) and a
      // public address of its own (placed on its network: country and ASN looked up, home network read, the start
      // counted): admitted (202) under a device cap and a household rule.
      const auth = `Basic ${Buffer.from(`${HOUSEHOLDS_APP}:`).toString('base64')}`;
      return {
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const n = uniq++;
              return {
                ...req,
                headers: { ...req.headers, authorization: auth, 'x-forwarded-for': `81.2.${(n >> 8) & 255}.${n & 255}` },
                path: `/v2/sessions/${IDP}/hh-${n}?channel=news&deviceId=tv-${n}&deviceName=Living%20room%20TV`,
              };
            },
          },
        ],
      };
    }
    case 'init-households-known': {
      // Round the seeded accounts: a registered device (one read of the register, its last-seen time batched), the
      // account's own network (home), admitted under the same policy (4 streams: KNOWN_ACCOUNTS × 4 starts fit).
      const auth = `Basic ${Buffer.from(`${HOUSEHOLDS_APP}:`).toString('base64')}`;
      let i = 0;
      return {
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const n = i++ % KNOWN_ACCOUNTS;
              return { ...req, headers: { ...req.headers, authorization: auth, 'x-forwarded-for': knownAddress(n) }, path: knownPath(n) };
            },
          },
        ],
      };
    }
    case 'init-denied': {
      let i = 0;
      // Accounts already at their 3 streams: every start is an intended 409.
      return {
        requests: [
          { method: 'POST', setupRequest: (req) => ({ ...req, path: `/v2/sessions/${IDP}/full-${i++ % FULL_ACCOUNTS}?channel=x` }) },
        ],
      };
    }
    case 'mix': {
      // One viewer's life on each connection: start, 20 heartbeats, stop, then again on a new account.
      const heartbeat = {
        method: 'POST',
        setupRequest: (req, ctx) => (ctx.sessionId ? { ...req, path: `/v2/sessions/${IDP}/${ctx.subject}/${ctx.sessionId}` } : null),
      };
      return {
        requests: [
          {
            method: 'POST',
            setupRequest: (req, ctx) => {
              ctx.subject = `mix-${uniq++}`;
              return { ...req, path: `/v2/sessions/${IDP}/${ctx.subject}?channel=news` };
            },
            onResponse: (status, body, ctx) => {
              if (status === 202) ctx.sessionId = JSON.parse(body).sessionId;
            },
          },
          ...Array.from({ length: 20 }, () => heartbeat),
          {
            method: 'DELETE',
            setupRequest: (req, ctx) => (ctx.sessionId ? { ...req, path: `/v2/sessions/${IDP}/${ctx.subject}/${ctx.sessionId}` } : null),
          },
        ],
      };
    }
    default:
      throw new Error(`no scenario ${scenario}`);
  }
}

async function load(url, scenario, data, options, extra = {}) {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    headers: { authorization: AUTH },
    ...requestsFor(scenario, data),
    ...extra,
  });
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, Number(v.count)]));
  const intended409 = scenario === 'init-denied' ? (codes['409'] ?? 0) : 0;
  const requestsPerSecond = result.duration > 0 ? result.requests.total / result.duration : result.requests.average;
  const ok = Object.entries(codes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    scenario,
    requestsPerSecond,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    total: result.requests.total,
    ok,
    intended409,
    unexpected: result.non2xx - intended409 + result.errors + result.timeouts,
    statusCodes: codes,
    errors: result.errors,
    timeouts: result.timeouts,
    ...(extra.overallRate ? { overallRate: extra.overallRate } : {}),
  };
}

/**
 * What the server and Redis spend per second with no load at all (usage flushes sampling running counts, the epoch
 * poll, timers): measured over 5 s before the scenarios and taken out of their per-request figures.
 */
async function idleRates(server, store) {
  const before = { redis: await store?.stats(), node: processCpuSeconds(server.pid), at: Date.now() };
  await new Promise((r) => setTimeout(r, 5000));
  const after = { redis: await store?.stats(), node: processCpuSeconds(server.pid), at: Date.now() };
  const seconds = (after.at - before.at) / 1000;
  const nodeUsPerSecond = ((after.node - before.node) / seconds) * 1e6;
  if (!store) {
    step(`idle: server ${nodeUsPerSecond.toFixed(0)} µs CPU/s`);
    return { nodeUsPerSecond, redisUsPerSecond: 0, redisCommandUsPerSecond: 0 };
  }
  const idle = perRequest(before.redis, after.redis, seconds); // "per request" of one second: per-second rates
  step(`idle: server ${nodeUsPerSecond.toFixed(0)} µs CPU/s, Redis ${idle.redisCpuUsPerRequest.toFixed(0)} µs CPU/s`);
  return {
    nodeUsPerSecond,
    redisUsPerSecond: idle.redisCpuUsPerRequest,
    redisCommandUsPerSecond: idle.redisCommandUsPerRequest,
  };
}

/**
 * CPU seconds used so far by the PostgreSQL servers on this host (the benchmark's database: embedded or local): each
 * postmaster's own time plus that of its children already reaped (cutime/cstime: backends that ended), plus each
 * running backend's time.
 */
function postgresCpuSeconds() {
  const stats = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      stats.set(pid, stat.split(') ')[1].split(' '));
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const fields of stats.values()) {
    const own = Number(fields[11]) + Number(fields[12]);
    const reaped = stats.has(fields[1]) ? 0 : Number(fields[13]) + Number(fields[14]); // a postmaster: its parent is not postgres
    total += (own + reaped) / 100;
  }
  return total;
}

/** Server and Redis CPU per request over a scenario, the idle rates taken out. */
function costPerRequest(before, after, requests, idle) {
  const seconds = (after.at - before.at) / 1000;
  const redis = perRequest(before.redis, after.redis, requests);
  const node = (after.node - before.node) * 1e6;
  return {
    ...redis,
    nodeCpuUsPerRequest: Math.max(0, node - (idle?.nodeUsPerSecond ?? 0) * seconds) / requests,
    redisCpuUsPerRequest: Math.max(0, redis.redisCpuUsPerRequest * requests - (idle?.redisUsPerSecond ?? 0) * seconds) / requests,
    redisCommandUsPerRequest:
      Math.max(0, redis.redisCommandUsPerRequest * requests - (idle?.redisCommandUsPerSecond ?? 0) * seconds) / requests,
  };
}

const describeCost = (c) =>
  `server CPU ${c.nodeCpuUsPerRequest.toFixed(0)} µs/req, Redis CPU ${c.redisCpuUsPerRequest.toFixed(1)} µs/req (in commands ${c.redisCommandUsPerRequest.toFixed(1)} µs)`;

/** Running counts the way the Redis store computes them (a script per bucket): median of 5 walks, in ms. */
async function timeRedisCounts(redis) {
  const { scriptSource } = require(path.join(ROOT, 'dist', 'libs', 'sessions', 'src', 'redis', 'redis-scripts.js'));
  const { RedisKeys, BUCKETS } = require(path.join(ROOT, 'dist', 'libs', 'sessions', 'src', 'redis', 'redis-keys.js'));
  const keys = new RedisKeys(redis.prefix);
  const client = redis.store.client;
  if (!client.cmBenchCounts) client.defineCommand('cmBenchCounts', { numberOfKeys: 1, lua: scriptSource('cmRunningCounts') });
  const times = [];
  let running = 0;
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    const flat = await Promise.all(Array.from({ length: BUCKETS }, (_, b) => client.cmBenchCounts(keys.counts(b), keys.base(b), 30_000)));
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    running = flat.reduce((n, f) => n + f.filter((_, j) => j % 2 === 1).reduce((a, c) => a + Number(c), 0), 0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[2], running };
}

const describe = (r) =>
  `${int(r.requestsPerSecond)} req/s, p50 ${ms(r.latencyMs.p50)} ms, p99 ${ms(r.latencyMs.p99)} ms` +
  (r.intended409 ? `, ${int(r.intended409)} intended 409` : '') +
  (r.unexpected ? `, ${int(r.unexpected)} UNEXPECTED (${JSON.stringify(r.statusCodes)}, errors ${r.errors}, timeouts ${r.timeouts})` : '');

// ---------------------------------------------------------------------------------------------- one adapter

async function runAdapter(adapter, adminUrl, options) {
  const results = {};
  const snapshots = [];
  const memory = [];
  const data = {};
  let server;
  let idle;
  const want = (s) => options.only.includes(s);

  /** The scenario at its maximum rate, then at half of it (latency there); `results[name]` gets both. */
  const measure = async (label, url, name, scenario, pid) => {
    await load(url, scenario, data, { ...options, duration: 2 }); // warm-up: JIT, pools, caches
    step(`[${adapter}] ${name}: ${options.duration} s, ${options.connections} connections`);
    const costed = options.redis && label === 'cm';
    const before = costed ? { redis: await options.redis.store.stats(), node: processCpuSeconds(server.pid), at: Date.now() } : undefined;
    // CPU the process under test and PostgreSQL spend per request: unlike req/s, barely moved by what else shares
    // the cores (the load generator, the database, other work on the host).
    const cpuBefore = { node: processCpuSeconds(pid), postgres: postgresCpuSeconds(), at: Date.now() };
    const max = await load(url, scenario, data, options);
    const cpuAfter = { node: processCpuSeconds(pid), postgres: postgresCpuSeconds(), at: Date.now() };
    const idleNode = label === 'cm' ? (idle?.nodeUsPerSecond ?? 0) * ((cpuAfter.at - cpuBefore.at) / 1000) : 0;
    max.cpu = {
      serverUsPerRequest: Math.max(0, (cpuAfter.node - cpuBefore.node) * 1e6 - idleNode) / Math.max(1, max.total),
      postgresUsPerRequest: label === 'cm' ? ((cpuAfter.postgres - cpuBefore.postgres) * 1e6) / Math.max(1, max.total) : undefined,
    };
    if (before) {
      const after = { redis: await options.redis.store.stats(), node: processCpuSeconds(server.pid), at: Date.now() };
      max.cost = costPerRequest(before, after, max.total, idle);
    }
    step(
      `[${adapter}] ${name}: ${describe(max)}; server CPU ${max.cpu.serverUsPerRequest.toFixed(0)} µs/req` +
        (max.cpu.postgresUsPerRequest !== undefined ? `, PostgreSQL CPU ${max.cpu.postgresUsPerRequest.toFixed(0)} µs/req` : '') +
        (max.cost ? `; ${describeCost(max.cost)}` : ''),
    );
    const rate = Math.max(1, Math.floor(max.requestsPerSecond / 2));
    step(`[${adapter}] ${name} at half its maximum (${int(rate)} req/s)`);
    const half = await load(url, scenario, data, options, { overallRate: rate });
    step(`[${adapter}] ${name} at ${int(rate)} req/s: ${describe(half)}`);
    results[name] = { ...max, server: label, half: { rate, ...half } };
    return results[name];
  };

  // The ceilings, measured in this run right before the server.
  for (const kind of ['raw', adapter]) {
    const name = kind === 'raw' ? 'raw node:http no-op' : `bare Nest (${adapter}) no-op`;
    step(`[${adapter}] starting ${name}`);
    const baseline = await startBaseline(kind);
    try {
      await measure('baseline', baseline.url, name, 'healthz', baseline.pid);
    } finally {
      await baseline.stop();
    }
  }

  const database = await freshDatabase(adminUrl, adapter, options);
  step(
    `[${adapter}] starting the server (${options.profile ? 'with --cpu-prof, ' : ''}CM_WORKERS=${options.workers}, database ${new URL(database.url).pathname.slice(1)})`,
  );
  server = await startServer(adapter, database.url, options);
  let profile;
  try {
    step(`[${adapter}] warming up (3 s)`);
    data.heartbeat = await seedOverHttp(server.url, 'warm', 50, 1);
    await load(server.url, 'heartbeat', data, { ...options, duration: 3 });
    const run = (name, scenario) => measure('cm', server.url, name, scenario, server.pid);
    idle = await idleRates(server, options.redis?.store);

    if (want('healthz')) await run('healthz', 'healthz');
    if (want('heartbeat')) {
      step(`[${adapter}] seeding ${int(HEARTBEAT_SET)} sessions over HTTP`);
      const memoryBefore = await options.redis?.store.usedMemory();
      data.heartbeat = await seedOverHttp(server.url, 'hb', HEARTBEAT_SET, 1);
      if (options.redis) {
        const bytesPerSession = ((await options.redis.store.usedMemory()) - memoryBefore) / HEARTBEAT_SET;
        memory.push({ sessions: HEARTBEAT_SET, how: 'over HTTP', bytesPerSession });
        step(`[${adapter}] Redis memory per running session: ${int(bytesPerSession)} bytes (${int(HEARTBEAT_SET)} sessions over HTTP)`);
      }
      const snap = options.redis ? await timeRedisCounts(options.redis) : await timeSnapshot(database.url);
      snapshots.push({ at: 'small', ...snap });
      step(`[${adapter}] live snapshot over ${int(snap.running)} running sessions: ${ms(snap.medianMs)} ms`);
      await run('heartbeat', 'heartbeat');
    }
    if (want('mix')) await run('mix', 'mix');
    if (want('init')) await run('init', 'init');
    if (want('init-households') || want('init-households-known')) {
      step(`[${adapter}] creating ${HOUSEHOLDS_APP}: a device-registration rule and a household rule (countBy network.id)`);
      await givenHouseholdsApplication(server.url);
    }
    if (want('init-households')) await run('init-households', 'init-households');
    if (want('init-households-known')) {
      step(`[${adapter}] seeding ${KNOWN_ACCOUNTS} accounts with a registered device over HTTP (a start and a stop each)`);
      await seedKnownDevices(server.url);
      await run('init-households-known', 'init-households-known');
    }
    if (want('init-denied')) {
      step(`[${adapter}] seeding ${FULL_ACCOUNTS} accounts at their limit (3 streams) over HTTP`);
      await seedOverHttp(server.url, 'full', FULL_ACCOUNTS, 3);
      await run('init-denied', 'init-denied');
    }
    if (options.sessions > HEARTBEAT_SET && want('heartbeat')) {
      const { running } = options.redis ? await timeRedisCounts(options.redis) : await timeSnapshot(database.url);
      const missing = Math.max(0, options.sessions - running);
      if (options.redis) {
        step(`[${adapter}] seeding ${int(missing)} running sessions in bulk into Redis (to ${int(options.sessions)})`);
        const epoch = await withClient(database.url, async (c) =>
          Number((await c.query('SELECT policy_epoch FROM applications WHERE id = $1', [APP])).rows[0].policy_epoch),
        );
        const memoryBefore = await options.redis.store.usedMemory();
        data.bulk = await seedRedisInBulk(options.redis.store, options.redis.prefix, APP, epoch, missing, HEARTBEAT_SET, step);
        const bytesPerSession = ((await options.redis.store.usedMemory()) - memoryBefore) / missing;
        memory.push({ sessions: missing, how: 'in bulk', bytesPerSession });
        step(`[${adapter}] Redis memory per running session: ${int(bytesPerSession)} bytes (${int(missing)} sessions in bulk)`);
      } else {
        step(`[${adapter}] seeding ${int(missing)} running sessions in bulk SQL (to ${int(options.sessions)})`);
        await seedInBulk(database.url, missing);
      }
      const snap = options.redis ? await timeRedisCounts(options.redis) : await timeSnapshot(database.url);
      snapshots.push({ at: 'large', ...snap });
      step(`[${adapter}] live snapshot over ${int(snap.running)} running sessions: ${ms(snap.medianMs)} ms`);
      data.heartbeat =
        data.bulk ??
        (await withClient(database.url, async (c) =>
          (
            await c.query(`SELECT id, idp, subject FROM sessions TABLESAMPLE SYSTEM (1) WHERE idp = 'bulk' AND ended_at IS NULL LIMIT $1`, [
              HEARTBEAT_SET,
            ])
          ).rows.map((r) => ({ id: r.id, idp: r.idp, subject: r.subject })),
        ));
      await run(`heartbeat@${options.sessions}`, 'heartbeat');
    }
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    step(`[${adapter}] stopping the server`);
    profile = await server.stop();
    await database.drop().catch(() => undefined);
  }
  return { adapter, store: options.store, results, snapshots, memory, idle, profile };
}

// ---------------------------------------------------------------------------------------------- report

const bareName = (adapter) => `bare Nest (${adapter}) no-op`;
const RAW = 'raw node:http no-op';

function targets(run, options) {
  const r = run.results;
  const bare = r[bareName(run.adapter)]?.requestsPerSecond;
  const ratio = (name) => (bare && r[name] ? r[name].requestsPerSecond / bare : undefined);
  const checks = [];
  const check = (name, value, pass, shown) => value !== undefined && checks.push({ name, value, pass, shown });
  const x = (v) => (v === undefined ? undefined : `${v.toFixed(2)}×`);
  // The same targets on server CPU per request (bare Nest's CPU per request ÷ the scenario's): what the server's own
  // work costs, whatever else shares the cores.
  const bareCpu = r[bareName(run.adapter)]?.cpu?.serverUsPerRequest;
  const cpuRatio = (name) => (bareCpu && r[name]?.cpu?.serverUsPerRequest ? bareCpu / r[name].cpu.serverUsPerRequest : undefined);
  const initTarget = run.adapter === 'fastify' ? 0.1 : 0.2;
  for (const [name, label, target] of [
    ['healthz', '/healthz', 0.8],
    ['heartbeat', 'heartbeat', 0.5],
    ['init', 'admitted init', initTarget],
  ]) {
    check(`${label} ≥ ${target} × bare Nest (req/s)`, ratio(name), ratio(name) >= target, x(ratio(name)));
    check(`${label} ≥ ${target} × bare Nest (server CPU per request)`, cpuRatio(name), cpuRatio(name) >= target, x(cpuRatio(name)));
  }
  const half = r.heartbeat?.half?.latencyMs.p99;
  check('heartbeat p99 ≤ 10 ms at half its maximum rate', half, half <= 10, `${ms(half)} ms`);
  const large = r[`heartbeat@${options.sessions}`];
  if (large && r.heartbeat) {
    const rel = large.requestsPerSecond / r.heartbeat.requestsPerSecond;
    check(`heartbeat at ${int(options.sessions)} sessions ≥ 90 % of ${int(HEARTBEAT_SET)}`, rel, rel >= 0.9, `${(rel * 100).toFixed(0)} %`);
  }
  const unexpected = Object.values(r).reduce((n, y) => n + y.unexpected + (y.half?.unexpected ?? 0), 0);
  check('no non-2xx but the intended 409s', unexpected, unexpected === 0, String(unexpected));
  return checks;
}

function markdown(run, options) {
  const r = run.results;
  const bare = r[bareName(run.adapter)]?.requestsPerSecond;
  const raw = r[RAW]?.requestsPerSecond;
  const lines = [
    `### ${run.adapter}`,
    '',
    '| scenario | max req/s | × bare Nest | × raw node | server CPU µs/req | CPU × bare Nest | PostgreSQL CPU µs/req | p50 / p99 ms at max | p50 / p99 ms at half max | intended 409 | other non-2xx / errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const bareCpu = r[bareName(run.adapter)]?.cpu?.serverUsPerRequest;
  for (const [name, y] of Object.entries(r)) {
    const rel = (base) => (base ? (y.requestsPerSecond / base).toFixed(2) : '–');
    const cpu = y.cpu?.serverUsPerRequest;
    const pgCpu = y.cpu?.postgresUsPerRequest;
    const h = y.half;
    lines.push(
      `| ${name} | ${int(y.requestsPerSecond)} | ${rel(bare)} | ${rel(raw)} | ${cpu === undefined ? '–' : cpu.toFixed(0)} | ` +
        `${bareCpu && cpu ? (bareCpu / cpu).toFixed(2) : '–'} | ${pgCpu === undefined ? '–' : pgCpu.toFixed(0)} | ` +
        `${ms(y.latencyMs.p50)} / ${ms(y.latencyMs.p99)} | ` +
        `${h ? `${ms(h.latencyMs.p50)} / ${ms(h.latencyMs.p99)} (at ${int(h.rate)}/s)` : '–'} | ${int(y.intended409 + (h?.intended409 ?? 0))} | ` +
        `${int(y.unexpected + (h?.unexpected ?? 0))} |`,
    );
  }
  if (run.snapshots.length) {
    const what = run.store === 'redis' ? 'running counts (every bucket)' : 'live snapshot SQL';
    lines.push('', run.snapshots.map((s) => `${what} over ${int(s.running)} running sessions: ${ms(s.medianMs)} ms`).join('; '));
  }
  const costs = Object.entries(r).filter(([, x]) => x.cost);
  if (costs.length) {
    lines.push(
      '',
      '| scenario | server CPU µs/req | Redis CPU µs/req | Redis in commands µs/req | commands per request (inner ones included) |',
      '| --- | ---: | ---: | ---: | --- |',
    );
    for (const [name, x] of costs) {
      const commands = Object.entries(x.cost.commands)
        .filter(([, c]) => c.callsPerRequest >= 0.01)
        .map(([n, c]) => `${n} ×${c.callsPerRequest.toFixed(2)} (${c.usecPerCall.toFixed(1)} µs)`)
        .join(', ');
      lines.push(
        `| ${name} | ${x.cost.nodeCpuUsPerRequest.toFixed(0)} | ${x.cost.redisCpuUsPerRequest.toFixed(1)} | ${x.cost.redisCommandUsPerRequest.toFixed(1)} | ${commands} |`,
      );
    }
  }
  for (const m of run.memory ?? [])
    lines.push('', `Redis memory per running session: ${int(m.bytesPerSession)} bytes (${int(m.sessions)} sessions ${m.how})`);
  lines.push('', '| target | value | |', '| --- | ---: | --- |');
  for (const c of targets(run, options)) lines.push(`| ${c.name} | ${c.shown} | ${c.pass ? 'met' : '**missed**'} |`);
  return lines.join('\n');
}

/** Top self-time functions of a V8 .cpuprofile. */
function summariseProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const byKey = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(`file://${ROOT}/`, '').replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byKey.set(key, (byKey.get(key) ?? 0) + node.hitCount);
    total += node.hitCount;
  }
  const rows = [...byKey.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  // Self time by package (node_modules/<pkg>), by our own code, by Node internals and by V8.
  const byPackage = new Map();
  for (const node of profile.nodes) {
    const { url, functionName } = node.callFrame;
    const pkg = url.includes('node_modules/')
      ? url
          .split('node_modules/')
          .pop()
          .split('/')
          .slice(0, url.split('node_modules/').pop().startsWith('@') ? 2 : 1)
          .join('/')
      : url.startsWith('node:')
        ? 'node internals'
        : url.includes('/dist/')
          ? 'our code (dist)'
          : `(${functionName || 'native'})`;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.hitCount);
  }
  const packages = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [
    `CPU profile ${path.relative(ROOT, file)} (${int(total)} samples, ~${(interval / 1000).toFixed(2)} ms each)`,
    '',
    '| self % | function |',
    '| ---: | --- |',
    ...rows.map(([key, hits]) => `| ${((hits / total) * 100).toFixed(1)} | \`${key}\` |`),
    '',
    '| self % | package |',
    '| ---: | --- |',
    ...packages.map(([key, hits]) => `| ${((hits / total) * 100).toFixed(1)} | ${key} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const adapters = options.adapter === 'both' ? ['express', 'fastify'] : [options.adapter];
  mkdirSync(RESULTS, { recursive: true });
  if (options.build) {
    step('building (npm run build)');
    execSync('npm run build --silent', { cwd: ROOT, stdio: 'inherit' });
  }
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model };
  const loadAtStart = loadavg();
  const db = await databaseServer();
  const summaries = [];
  const load3 = (l) => l.map((v) => v.toFixed(2)).join(' ');
  const header = () =>
    [
      `## Benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      `${machine.cpus} CPU (${machine.cpuModel}), Node ${machine.node}, ${options.duration} s per pass, ${options.connections} connections, ` +
        `CM_WORKERS=${options.workers}, autocannon in the benchmark process on the same machine as the servers and PostgreSQL ` +
        `(${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})` +
        `${options.store === 'redis' ? `, sessions in ${options.cluster ? 'a local Redis Cluster (3 masters + 3 replicas)' : `Redis ${options.redisUrl}`}` : ''}; load average ${load3(loadAtStart)} at the start, ${load3(loadavg())} at the end ` +
        `(above ${machine.cpus}: other work shared the CPUs, so compare ratios within the run).`,
    ].join('\n');
  let cluster;
  let node;
  try {
    if (options.store === 'redis') {
      if (options.cluster) {
        step('starting a local Redis Cluster (3 masters + 3 replicas)');
        cluster = await startLocalCluster();
      } else if (!options.redisUrl) {
        node = await startLocalNode();
        options.redisUrl = node.url;
        step(`started a redis-server for the run at ${node.url}`);
      }
    }
    for (const adapter of adapters) {
      if (options.store === 'redis') {
        const prefix = `cm-bench-${adapter}`;
        const store = await connect(cluster ? { cluster: cluster.seeds } : { url: options.redisUrl });
        await dropPrefix(store, prefix);
        options.redis = {
          prefix,
          store,
          env: {
            // The sweeper walks the 1,024 buckets every interval whatever the load: its cost is per process and
            // time, not per request (docs/scaling.md), so it stays out of the per-request figures.
            CM_SWEEP_INTERVAL_SECONDS: '3600',
            CM_SESSION_STORE: 'redis',
            CM_REDIS_KEY_PREFIX: prefix,
            ...(cluster ? { CM_REDIS_CLUSTER_NODES: cluster.seeds } : { CM_REDIS_URL: options.redisUrl }),
          },
        };
        step(`[${adapter}] sessions in Redis: ${cluster ? `local cluster ${cluster.seeds}` : options.redisUrl}, key prefix ${prefix}`);
      }
      const run = await runAdapter(adapter, db.adminUrl, options).finally(async () => {
        if (options.redis) {
          await dropPrefix(options.redis.store, options.redis.prefix).catch(() => undefined);
          options.redis.store.close();
        }
      });
      const date = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(RESULTS, `${date}-${adapter}${options.store === 'redis' ? (cluster ? '-redis-cluster' : '-redis') : ''}`);
      const report = {
        date: new Date().toISOString(),
        adapter,
        machine,
        loadAverage: { start: loadAtStart, end: loadavg() },
        options: { ...options, redis: options.redis ? { prefix: options.redis.prefix, cluster: Boolean(cluster) } : undefined },
        ...run,
        targets: targets(run, options),
      };
      // Formatted as Prettier would, so `npm run format:check` stays clean with the results kept in the tree.
      const prettier = await import('prettier');
      const summary = markdown(run, options);
      const profile = run.profile ? summariseProfile(run.profile) : undefined;
      writeFileSync(`${file}.json`, await prettier.format(JSON.stringify(report), { parser: 'json', filepath: `${file}.json` }));
      const md = [header(), '', summary, ...(profile ? ['', profile] : []), ''].join('\n');
      writeFileSync(`${file}.md`, await prettier.format(md, { parser: 'markdown', filepath: `${file}.md` }));
      step(`[${adapter}] results written to ${path.relative(ROOT, file)}.json and .md`);
      summaries.push(summary);
      if (profile) summaries.push(profile);
    }
  } finally {
    await db.stop();
    await cluster?.stop();
    await node?.stop();
  }
  console.log(['', header(), '', ...summaries.flatMap((s) => [s, ''])].join('\n'));
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
