import { plainToInstance, Transform } from 'class-transformer';
import type { SessionStoreOptions } from '@cm/sessions';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { PLAYBACK_TOKEN_ALGORITHMS, type PlaybackTokenAlgorithm } from '@cm/contracts';
import { parseTrustProxy } from '../http/trust-proxy';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

/** Every variable the service reads, with its default. Documented in README.md and .env.example. */
export class Env {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  CM_DATA_DIR = './.data';

  @IsIn(['express', 'fastify'])
  CM_HTTP_ADAPTER: 'express' | 'fastify' = 'express';

  /**
   * `production`: no demo seed unless asked, no application without a secret unless allowed, metrics off the public
   * port. Unset: `production` when NODE_ENV=production, else `development` (resolved by loadEnv).
   */
  @IsIn(['development', 'production'], { message: 'CM_ENV must be development or production' })
  CM_ENV: 'development' | 'production' = 'development';

  /** In production, serve applications that have no secret (refused at start-up otherwise). */
  @Transform(toBool)
  @IsBoolean({ message: 'CM_ALLOW_OPEN_APPLICATIONS must be true or false' })
  CM_ALLOW_OPEN_APPLICATIONS = false;

  /**
   * In production, also let operator-configured URLs (entitlement JWKS, and the like) reach loopback, private,
   * link-local and unique-local addresses: for identity servers on the operator's own network. Ignored in development.
   */
  @Transform(toBool)
  @IsBoolean({ message: 'CM_ALLOW_PRIVATE_URLS must be true or false' })
  CM_ALLOW_PRIVATE_URLS = false;

  /**
   * Serve /metrics on its own listener (CM_METRICS_HOST:CM_METRICS_PORT) instead of PORT. Unset: on PORT in
   * development, 9464 in production unless CM_METRICS_TOKEN is set (resolved by loadEnv).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'CM_METRICS_PORT must be a port number' })
  @Min(0)
  @Max(65535)
  CM_METRICS_PORT?: number;

  /** The address the metrics listener binds to. */
  @IsIP(undefined, { message: 'CM_METRICS_HOST must be an IP address' })
  CM_METRICS_HOST = '127.0.0.1';

  /** When set, /metrics answers only `Authorization: Bearer <this token>` (wherever it is served). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'CM_METRICS_TOKEN must be at least 16 characters' })
  CM_METRICS_TOKEN?: string;

  @IsOptional()
  @IsEmail({}, { message: 'CM_ADMIN_EMAIL must be an email address' })
  CM_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'CM_ADMIN_PASSWORD must be at least 12 characters' })
  CM_ADMIN_PASSWORD?: string;

  /** Seed the demo tenant on an empty database. Unset: true in development, false in production (resolved by loadEnv). */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'CM_DEMO_SEED must be true or false' })
  CM_DEMO_SEED?: boolean;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  CM_GRACE_SECONDS = 30;

  /** How often the sweeper marks silent sessions expired. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  CM_SWEEP_INTERVAL_SECONDS = 15;

  /** How long ended sessions are kept (account look-up shows them), in hours. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  CM_ENDED_RETENTION_HOURS = 72;

  /** Heartbeats + stops per session per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CM_THROTTLE_SESSION_PER_MINUTE = 200;

  /** Inits per account per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE = 200;

  /** Running sessions one account may hold (among the streams the initiating application sees), policies or not. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  CM_MAX_SESSIONS_PER_ACCOUNT = 100;

  /** Reverse proxies whose `X-Forwarded-For` names the client (login limits, logs): off, a hop count, or addresses. */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseTrustProxy(value) !== null,
      defaultMessage: () =>
        'CM_TRUST_PROXY must be false, a hop count (1-32), or a comma-separated list of proxy IP addresses or CIDRs (or loopback, linklocal, uniquelocal)',
    },
  })
  CM_TRUST_PROXY = 'false';

  /** `closed`: 503 while the database is unreachable; `open`: init/heartbeat answer 202 degraded (see README). */
  @IsIn(['closed', 'open'])
  CM_FAIL_MODE: 'closed' | 'open' = 'closed';

  /** Expires of degraded answers (CM_FAIL_MODE=open), in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(3600)
  CM_DEGRADED_EXPIRES_SECONDS = 30;

  /** Server processes sharing the port (node:cluster): a number, or `auto` for one per CPU core. */
  @Matches(/^(auto|[1-9]|[1-5][0-9]|6[0-4])$/, { message: 'CM_WORKERS must be a number from 1 to 64, or auto' })
  CM_WORKERS = '1';

  /** Database connection pool size per process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  CM_DB_POOL_SIZE = 20;

  /** How often each process writes its usage counts to the database (seconds). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  CM_USAGE_FLUSH_SECONDS = 10;

  /** How long per-minute usage history is kept (days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  CM_USAGE_MINUTE_RETENTION_DAYS = 7;

  /** How long hourly usage history is kept (days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  CM_USAGE_HOUR_RETENTION_DAYS = 90;

  /** How long daily usage history is kept (days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  CM_USAGE_RETENTION_DAYS = 730;

  /** The service's public base URL: the `iss` of playback tokens (unset: the origin each player called). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'CM_PUBLIC_URL must be an http(s) URL without query or fragment' })
  CM_PUBLIC_URL?: string;

  /** Algorithm of new playback token signing keys. */
  @IsIn(PLAYBACK_TOKEN_ALGORITHMS)
  CM_PLAYBACK_TOKEN_ALGORITHM: PlaybackTokenAlgorithm = 'EdDSA';

  /** Where sessions live: `postgres` (default) or `redis` (one node or a Redis Cluster; see README "Scaling out"). */
  @IsIn(['postgres', 'redis'])
  CM_SESSION_STORE: 'postgres' | 'redis' = 'postgres';

  /** One Redis node: redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'CM_REDIS_URL must be a redis:// or rediss:// URL' })
  CM_REDIS_URL?: string;

  /** Redis Cluster seed nodes: host:port,host:port,… (wins over CM_REDIS_URL). */
  @IsOptional()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { message: 'CM_REDIS_CLUSTER_NODES must be host:port,host:port,…' })
  CM_REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @IsString()
  CM_REDIS_USERNAME?: string;

  @IsOptional()
  @IsString()
  CM_REDIS_PASSWORD?: string;

  /** TLS to every Redis node (a rediss:// URL implies it). */
  @Transform(toBool)
  @IsBoolean({ message: 'CM_REDIS_TLS must be true or false' })
  CM_REDIS_TLS = false;

  /** Prefix of every Redis key (several deployments may share one Redis). */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'CM_REDIS_KEY_PREFIX must be 1-64 of A-Z a-z 0-9 _ . : -' })
  CM_REDIS_KEY_PREFIX = 'cm';

  /** Replicas that must confirm an init, stop, termination or eviction (WAIT): auto = 1 where the master has one. */
  @Matches(/^(auto|[0-5])$/, { message: 'CM_REDIS_WAIT_REPLICAS must be auto or 0-5' })
  CM_REDIS_WAIT_REPLICAS = 'auto';

  /** How long such a write waits for its replicas before the call answers 503 (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(5000)
  CM_REDIS_WAIT_TIMEOUT_MS = 1000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Record every start's place and score accounts for sharing (docs/sharing.md); off, the sharing routes answer 404. */
  @Transform(toBool)
  @IsBoolean({ message: 'CM_SHARING_SIGNALS must be true or false' })
  CM_SHARING_SIGNALS = true;

  /** Also log successful, quick heartbeats (one line each); failed and slow ones are always logged. */
  @Transform(toBool)
  @IsBoolean({ message: 'CM_LOG_HEARTBEATS must be true or false' })
  CM_LOG_HEARTBEATS = false;

  /** A request slower than this is always logged (heartbeats too), marked `slow: true` (milliseconds). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600_000)
  CM_LOG_SLOW_MS = 1000;
}

/** Variables without a default (absent from `new Env()`). */
const OPTIONAL_KEYS = [
  'DATABASE_URL',
  'CM_ADMIN_EMAIL',
  'CM_ADMIN_PASSWORD',
  'CM_PUBLIC_URL',
  'CM_DEMO_SEED',
  'CM_METRICS_PORT',
  'CM_METRICS_TOKEN',
  'CM_REDIS_URL',
  'CM_REDIS_CLUSTER_NODES',
  'CM_REDIS_USERNAME',
  'CM_REDIS_PASSWORD',
];

/** Every variable loadEnv reads (besides NODE_ENV, which only chooses CM_ENV's default). */
export const ENV_KEYS: readonly string[] = [...new Set([...Object.keys(new Env()), ...OPTIONAL_KEYS])];

/** The port the metrics listener takes in production when neither CM_METRICS_PORT nor CM_METRICS_TOKEN is set. */
export const PRODUCTION_METRICS_PORT = 9464;

/** A resolved environment: the mode-dependent defaults are decided. */
export type ResolvedEnv = Env & { CM_DEMO_SEED: boolean };

export class ConfigError extends Error {}

/** The session store the environment asks for, in the sessions library's terms. */
export function sessionStoreOptions(env: Env): SessionStoreOptions {
  if (env.CM_SESSION_STORE === 'postgres') return { kind: 'postgres' };
  return {
    kind: 'redis',
    redis: {
      url: env.CM_REDIS_URL,
      clusterNodes: env.CM_REDIS_CLUSTER_NODES?.split(',').map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
      }),
      username: env.CM_REDIS_USERNAME,
      password: env.CM_REDIS_PASSWORD,
      tls: env.CM_REDIS_TLS,
      keyPrefix: env.CM_REDIS_KEY_PREFIX,
      waitReplicas: env.CM_REDIS_WAIT_REPLICAS === 'auto' ? 'auto' : Number(env.CM_REDIS_WAIT_REPLICAS),
      waitTimeoutMs: env.CM_REDIS_WAIT_TIMEOUT_MS,
    },
  };
}

/** Parses and validates the environment; throws a ConfigError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ResolvedEnv {
  const picked: Record<string, string> = {};
  for (const key of ENV_KEYS) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  if (picked.CM_ENV === undefined && source.NODE_ENV === 'production') picked.CM_ENV = 'production';
  const env = plainToInstance(Env, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { forbidUnknownValues: false });
  if (errors.length === 0 && env.CM_SESSION_STORE === 'redis' && !env.CM_REDIS_URL && !env.CM_REDIS_CLUSTER_NODES) {
    throw new ConfigError(
      'Invalid configuration:\n  CM_SESSION_STORE=redis needs CM_REDIS_URL (one node) or CM_REDIS_CLUSTER_NODES (a cluster)',
    );
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = /PASSWORD|TOKEN/.test(e.property) || e.property === 'CM_REDIS_URL' ? '(hidden)' : JSON.stringify(picked[e.property]);
      return `  ${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const production = env.CM_ENV === 'production';
  env.CM_DEMO_SEED ??= !production;
  if (production && env.CM_METRICS_PORT === undefined && env.CM_METRICS_TOKEN === undefined) env.CM_METRICS_PORT = PRODUCTION_METRICS_PORT;
  if (production && env.CM_DEMO_SEED && !env.CM_ALLOW_OPEN_APPLICATIONS) {
    throw new ConfigError(
      'Invalid configuration:\n  CM_DEMO_SEED=true in production seeds the application demo-app, which has no secret: ' +
        'also set CM_ALLOW_OPEN_APPLICATIONS=true, or leave CM_DEMO_SEED unset',
    );
  }
  return env as ResolvedEnv;
}
