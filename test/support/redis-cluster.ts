import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './server-process';

const REDIS_SERVER = process.env.CM_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';
const REDIS_CLI = process.env.CM_TEST_REDIS_CLI ?? '/usr/bin/redis-cli';
const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  child: ChildProcess;
}

export interface LocalRedisCluster {
  /** Seed nodes for CM_REDIS_CLUSTER_NODES. */
  seeds: string;
  nodes: ClusterNode[];
  /** The port of the master serving `slot` right now (asked of a live node). */
  masterOf(slot: number): Promise<number>;
  /** SIGKILL of one node (a crash: no goodbye to the cluster). */
  kill(port: number): Promise<void>;
  /** Resolves once every slot is served again (cluster_state:ok on every live node). */
  waitHealthy(timeoutMs: number): Promise<void>;
  /** Kills every node and removes the temporary directory. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function withNode<T>(port: number, work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

/**
 * A Redis Cluster on this machine for tests: `masters` masters with one replica each, from Debian's redis-server,
 * on free ports, files in a temporary directory of its own. Failure detection is fast (node timeout 1 s) so a
 * failover test takes seconds. Nothing is persisted to disk.
 */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<LocalRedisCluster> {
  const count = (options.masters ?? 3) * 2;
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-redis-cluster-'));
  const nodes: ClusterNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const bus = await freePort();
      const child = spawn(
        REDIS_SERVER,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(bus),
          '--cluster-config-file',
          path.join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '1000',
          '--cluster-replica-validity-factor',
          '0',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--logfile',
          path.join(dir, `${port}.log`),
        ],
        { stdio: 'ignore' },
      );
      running.add(child);
      child.once('exit', () => running.delete(child));
      nodes.push({ port, child });
    }
    for (const n of nodes)
      await until(() => withNode(n.port, async (r) => (await r.ping()) === 'PONG'), 10_000, `redis-server on ${n.port} did not start`);
    await run(REDIS_CLI, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes']);
  } catch (error) {
    for (const n of nodes) n.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  const cluster: LocalRedisCluster = {
    seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    masterOf: async (slot) => {
      for (const n of alive()) {
        const owner = await withNode(n.port, async (r) => {
          const ranges = (await r.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
          return ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        }).catch(() => undefined);
        if (owner) return owner;
      }
      throw new Error(`no live node knows the master of slot ${slot}`);
    },
    kill: async (port) => {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no node on ${port}`);
      const exited = new Promise((r) => node.child.once('exit', r));
      node.child.kill('SIGKILL');
      await exited;
    },
    waitHealthy: (timeoutMs) =>
      until(
        async () => {
          for (const n of alive()) {
            const info = await withNode(n.port, (r) => r.cluster('INFO'));
            if (!/cluster_state:ok/.test(String(info))) return false;
          }
          return true;
        },
        timeoutMs,
        'the cluster did not serve every slot',
      ),
    stop: async () => {
      await Promise.all(nodes.filter((n) => alive().includes(n)).map((n) => cluster.kill(n.port)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Every master has its replica attached before a test relies on WAIT.
  await cluster.waitHealthy(20_000);
  await until(
    async () => {
      const text = String(await withNode(nodes[0].port, (r) => r.cluster('NODES')));
      const replicas = text.split('\n').filter((l) => /\bslave\b/.test(l) && !/\bfail\b/.test(l));
      if (replicas.length < count / 2) return false;
      for (const n of nodes) {
        const role = await withNode(n.port, (r) => r.info('replication'));
        if (/role:master/.test(role) && !/connected_slaves:1/.test(role)) return false;
      }
      return true;
    },
    20_000,
    'the replicas did not attach',
  );
  return cluster;
}
