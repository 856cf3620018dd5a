// The Redis side of `npm run bench -- --store redis [--cluster]`: a local Redis Cluster (3 masters + 3 replicas from
// redis-server, like test/support/redis-cluster.ts), Redis CPU and command statistics per scenario (INFO cpu and
// commandstats, every master), memory per running session (INFO memory) and bulk seeding in the store's own key layout.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Cluster, Redis } = require('ioredis');

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A local Redis Cluster: 3 masters + 3 replicas on free ports, files in a temporary directory, nothing on disk. */
export async function startLocalCluster() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-bench-cluster-'));
  const nodes = [];
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    const bus = await freePort();
    // Each Redis is a single-threaded process: spread over the machine's cores like the api process is.
    const child = spawn(
      'redis-server',
      [
        ...['--port', port, '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', bus],
        ...['--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'],
        ...['--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', path.join(dir, `${port}.log`)],
      ].map(String),
      { stdio: 'ignore' },
    );
    nodes.push({ port, child });
  }
  for (const n of nodes) {
    for (let i = 0; ; i++) {
      const r = new Redis({ port: n.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      const ok = await r
        .connect()
        .then(() => r.ping())
        .catch(() => null);
      r.disconnect();
      if (ok === 'PONG') break;
      if (i > 100) throw new Error(`redis-server on ${n.port} did not start`);
      await sleep(100);
    }
  }
  execFileSync(
    'redis-cli',
    ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
    {
      stdio: 'ignore',
    },
  );
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  for (let i = 0; ; i++) {
    const r = new Redis({ port: nodes[0].port });
    const info = await r.cluster('INFO');
    r.disconnect();
    if (/cluster_state:ok/.test(info)) break;
    if (i > 100) throw new Error('the cluster did not become ready');
    await sleep(100);
  }
  await sleep(1000); // replicas attach
  return {
    seeds,
    stop: async () => {
      for (const n of nodes) n.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One Redis node of the run's own (on a shared Redis, other clients' commands would count in the statistics). */
export async function startLocalNode() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    const r = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => undefined);
    const ok = await r
      .connect()
      .then(() => r.ping())
      .catch(() => null);
    r.disconnect();
    if (ok === 'PONG') break;
    if (i > 100) throw new Error(`redis-server on ${port} did not start`);
    await sleep(100);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client for the store's Redis and its masters (one node, or every master of the cluster). */
export async function connect(target) {
  const client = target.cluster
    ? new Cluster(target.cluster.split(',').map((s) => ({ host: s.split(':')[0], port: Number(s.split(':')[1]) })))
    : new Redis(target.url);
  if (target.cluster) await new Promise((resolve) => client.once('ready', resolve));
  const masters = () => (target.cluster ? client.nodes('master') : [client]);
  const info = async (section) => Promise.all(masters().map((m) => m.info(section)));
  const field = (text, name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    client,
    masters: () => masters().length,
    /** Clears command statistics on every master. */
    resetStats: async () => {
      await Promise.all(masters().map((m) => m.config('RESETSTAT')));
    },
    /** CPU seconds (user + sys, every master) and the command statistics since the last reset. */
    stats: async () => {
      const cpu = (await info('cpu')).reduce((s, t) => s + field(t, 'used_cpu_user') + field(t, 'used_cpu_sys'), 0);
      const commands = {};
      for (const text of await info('commandstats')) {
        for (const m of text.matchAll(/^cmdstat_(\w+):calls=(\d+),usec=(\d+)/gm)) {
          const c = (commands[m[1]] ??= { calls: 0, usec: 0 });
          c.calls += Number(m[2]);
          c.usec += Number(m[3]);
        }
      }
      return { cpuSeconds: cpu, commands };
    },
    /** used_memory over every master, in bytes. */
    usedMemory: async () => (await info('memory')).reduce((s, t) => s + field(t, 'used_memory'), 0),
    close: () => client.disconnect(),
  };
}

/** The deltas of two `stats()` readings, per request. */
export function perRequest(before, after, requests) {
  const commands = {};
  for (const [name, c] of Object.entries(after.commands)) {
    const b = before.commands[name] ?? { calls: 0, usec: 0 };
    if (c.calls > b.calls)
      commands[name] = { callsPerRequest: (c.calls - b.calls) / requests, usecPerCall: (c.usec - b.usec) / (c.calls - b.calls) };
  }
  // Commands called by a script are counted on their own and inside the script's time as well: only the top-level
  // calls (the scripts, and the plain commands the store sends) add up to Redis' time per request.
  const topLevel = ['evalsha', 'eval', 'exists', 'wait', 'ping'];
  const spent = topLevel.reduce((sum, n) => sum + (after.commands[n]?.usec ?? 0) - (before.commands[n]?.usec ?? 0), 0);
  return {
    redisCpuUsPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / requests,
    redisCommandUsPerRequest: spent / requests,
    commands,
  };
}

/** CPU seconds (user + sys) used so far by a process and its children (Linux /proc). */
export function processCpuSeconds(pid) {
  const ticks = 100; // CLK_TCK on Linux
  const read = (p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
    } catch {
      return 0;
    }
  };
  let total = read(pid);
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += read(child);
  } catch {
    // no children file
  }
  return total;
}

/**
 * `total` running sessions written straight into the store's key layout (what the init script writes), on accounts
 * `acct-<n>` of idp `bulk` with 3 sessions each, in pipelines; returns a sample of them for heartbeats.
 */
export async function seedRedisInBulk(redis, prefix, applicationId, policyEpoch, total, sample, step) {
  const { RedisKeys, bucketOf } = require(path.join(ROOT, 'dist', 'libs', 'sessions', 'src', 'redis', 'redis-keys.js'));
  const { v7: uuidv7 } = require('uuid');
  const keys = new RedisKeys(prefix);
  const now = Date.now();
  const picked = [];
  const BATCH = 2000;
  for (let from = 0; from < total; from += BATCH) {
    const pipelines = new Map();
    for (let g = from; g < Math.min(total, from + BATCH); g++) {
      const account = { idp: 'bulk', subject: `acct-${Math.floor(g / 3)}` };
      const bucket = bucketOf(account);
      const id = uuidv7();
      const ex = now + 3_600_000 + (g % 600) * 1000;
      // One pipeline per bucket: its keys share a slot, so each pipeline goes to one node.
      let p = pipelines.get(bucket);
      if (!p) pipelines.set(bucket, (p = redis.client.pipeline()));
      p.hset(keys.session(bucket, id), {
        a: applicationId,
        i: account.idp,
        u: account.subject,
        c: g.toString(16).padStart(8, '0'),
        m: JSON.stringify({ channel: `ch${g % 50}`, deviceName: `Device ${g % 3}` }),
        st: String(now - 1_800_000),
        ex: String(ex),
        ep: String(policyEpoch),
      });
      p.hset(keys.account(bucket, account), id, '1', 'v', String(g));
      p.zadd(keys.expiry(bucket), ex, id);
      p.hincrby(keys.counts(bucket), applicationId, 1);
      p.sadd(keys.byApplication(bucket, applicationId), id);
      if (picked.length < sample && g % Math.max(1, Math.floor(total / sample)) === 0)
        picked.push({ id, idp: account.idp, subject: account.subject });
    }
    await Promise.all([...pipelines.values()].map((p) => p.exec()));
    if ((from / BATCH) % 50 === 49 || from + BATCH >= total)
      step(`  seeded ${Math.min(total, from + BATCH).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} sessions in Redis`);
  }
  return picked;
}

/** Deletes every key of `prefix` (one node, or every master). */
export async function dropPrefix(redis, prefix) {
  const nodes = redis.client instanceof Cluster ? redis.client.nodes('master') : [redis.client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}{*`, 'COUNT', 5000);
      cursor = next;
      // UNLINK per key on a cluster node (keys of one call may span slots).
      if (keys.length) await Promise.all(keys.map((k) => node.unlink(k)));
    } while (cursor !== '0');
  }
}
