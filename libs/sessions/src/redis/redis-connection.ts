import { Cluster, Redis, type RedisOptions, ReplyError } from 'ioredis';
import { scriptSource, SCRIPTS, type ScriptName } from './redis-scripts';

/** Where the Redis session store lives and how to reach it (from CM_REDIS_* in the app's environment). */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS): one node. */
  url?: string;
  /** Cluster seed nodes; when given, the store runs in cluster mode. */
  clusterNodes?: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  /** TLS to every node (also implied by a rediss:// URL). Custom CAs: NODE_EXTRA_CA_CERTS. */
  tls: boolean;
  /** Prefix of every key, so several deployments (or test suites) can share one Redis. No braces. */
  keyPrefix: string;
  /** Replicas an init, stop, termination or eviction waits for (WAIT); 'auto': 1 where the master has a replica. */
  waitReplicas: number | 'auto';
  waitTimeoutMs: number;
}

/** A failed call that means "Redis cannot be reached or cannot serve right now", not a bug. */
/** A cluster redirect reply: the command was not executed on that node. */
export function isRedirect(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^(MOVED|ASK) \d+ /.test(message);
}

export function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== 'string') return false;
  if (error instanceof ReplyError || (error as { name?: unknown }).name === 'ReplyError') {
    // Server replies: only those of a cluster in transition or a node not ready are transient. A redirect
    // (MOVED/ASK) reaches us only from a pipeline ioredis could not replay as a whole (a script plus its WAIT)
    // while a failover moves slots: the script did not run, so the call may be repeated.
    return (
      isRedirect(error) ||
      /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|NOREPLICAS|BUSY|UNBLOCKED)\b/.test(message) ||
      /Too many Cluster redirections/.test(message)
    );
  }
  // Everything else a Redis call throws is about the connection (closed, timed out, refused, not writeable,
  // no node reachable, too many retries).
  return true;
}

const COMMAND_TIMEOUT_MS = 2500;
const CONNECT_TIMEOUT_MS = 2000;

type ScriptCall = (key: string, ...args: Array<string | number>) => Promise<unknown>;
export type ScriptedClient = (Redis | Cluster) & Record<ScriptName, ScriptCall>;

/**
 * One client for the store: a single node or a Cluster (ioredis follows MOVED/ASK redirects and refreshes the slot
 * map after failovers by itself). No offline queue: while a node is unreachable calls fail at once (the store
 * answers 503) instead of piling up; every call times out after 2.5 s; reconnection never gives up.
 */
export function createRedisClient(options: RedisStoreOptions): ScriptedClient {
  const retryStrategy = (times: number) => Math.min(100 * times, 1000);
  const tls = options.tls || options.url?.startsWith('rediss://') ? {} : undefined;
  const common: RedisOptions = {
    // Only what is set: an explicit undefined would override the credentials of the URL.
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(tls ? { tls } : {}),
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy,
    keepAlive: 10_000,
    lazyConnect: true,
  };
  let client: Redis | Cluster;
  if (options.clusterNodes?.length) {
    client = new Cluster(options.clusterNodes, {
      redisOptions: common,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      scaleReads: 'master',
      clusterRetryStrategy: retryStrategy,
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
      slotsRefreshInterval: 5000,
      lazyConnect: true,
    });
  } else {
    const url = options.url ?? 'redis://127.0.0.1:6379';
    client = new Redis(url, { ...common, enableAutoPipelining: true });
  }
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    client.defineCommand(name, { numberOfKeys: 1, lua: scriptSource(name) });
  }
  return client as ScriptedClient;
}
