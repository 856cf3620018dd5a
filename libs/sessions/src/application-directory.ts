import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { LRUCache } from 'lru-cache';
import { PoliciesService } from '@cm/policies';
import type { EnginePolicy } from '@cm/policy-engine';
import {
  APPLICATION_ID_PATTERN,
  type ApplicationCredentials,
  ApplicationsService,
  ConfigEpochService,
  type ConfigurationChangedEvent,
  ConfigurationEvents,
} from '@cm/tenants';
import { requiredPlayerInputs } from './entitlement-requirements';

export interface ApplicationContext {
  app: ApplicationCredentials;
  /** The application's policy epoch as of this load: what sessions checked against these policies store. */
  epoch: number;
  policies: EnginePolicy[];
  requiredMetadata: string[];
  /** Applications sharing a policy with this one: their streams are visible to it (as are its own tenant's). */
  relatedApplicationIds: Set<string>;
}

interface Entry {
  promise: Promise<ApplicationContext | null>;
  /** Set once loaded. */
  value?: ApplicationContext | null;
}

const EPOCH_POLL_MS = 1000;

/** Applications kept per process (least recently used go first); more only costs a reload. */
export const DIRECTORY_MAX_KNOWN = 10_000;
/** Unknown application ids remembered (so a misconfigured player does not query the database on every call). */
export const DIRECTORY_MAX_UNKNOWN = 1_000;
export const DIRECTORY_UNKNOWN_TTL_MS = 10_000;

/**
 * Applications and their compiled policies, cached per process, each entry for one policy epoch of its application.
 * A change made through this process drops the applications it touched as soon as it commits (the `configuration.changed`
 * event); changes made by other processes are seen by polling the global epoch every second and then comparing
 * the cached applications' epochs. The epoch of the entry is what the CM hot path compares with the session's.
 *
 * The key comes from the caller (the Basic auth user name), so the cache is bounded: an id that cannot be an
 * application id is unknown without a query and never kept; applications live in an LRU; unknown ids in a small one
 * whose entries expire after a few seconds (and are all dropped when the configuration changes).
 */
@Injectable()
export class ApplicationDirectory implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApplicationDirectory.name);
  private readonly cache = new LRUCache<string, Entry>({ max: DIRECTORY_MAX_KNOWN });
  private readonly unknown = new LRUCache<string, true>({ max: DIRECTORY_MAX_UNKNOWN, ttl: DIRECTORY_UNKNOWN_TTL_MS });
  private knownGlobalEpoch = -1;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
    private readonly epochs: ConfigEpochService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.inFlight ??= this.poll().finally(() => (this.inFlight = undefined));
    }, EPOCH_POLL_MS);
    this.timer.unref();
  }

  /** Stops polling before the database pools close, and lets a poll in flight finish (no query on a closed pool). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  /** A change committed through this process: those applications reload at once. */
  @OnEvent(ConfigurationEvents.changed)
  onConfigurationChanged(change: ConfigurationChangedEvent): void {
    this.forget(change.applicationIds);
  }

  get(applicationId: string): Promise<ApplicationContext | null> {
    if (!APPLICATION_ID_PATTERN.test(applicationId) || this.unknown.has(applicationId)) return Promise.resolve(null);
    let entry = this.cache.get(applicationId);
    if (!entry) {
      const created: Entry = { promise: this.load(applicationId) };
      created.promise.then(
        (value) => {
          created.value = value;
          // An unknown id moves to the short-lived list, so it cannot push applications out of the cache.
          if (value === null && this.cache.peek(applicationId) === created) {
            this.cache.delete(applicationId);
            this.unknown.set(applicationId, true);
          }
        },
        () => {
          if (this.cache.peek(applicationId) === created) this.cache.delete(applicationId);
        },
      );
      this.cache.set(applicationId, created);
      entry = created;
    }
    return entry.promise;
  }

  /** Drops these applications (their configuration changed) and every "no such application" answer. */
  private forget(applicationIds: Iterable<string>): void {
    for (const id of applicationIds) this.cache.delete(id);
    this.unknown.clear();
  }

  /** Another process changed the configuration: drop the entries whose application epoch moved. */
  private async poll(): Promise<void> {
    try {
      const global = await this.epochs.current();
      if (global === this.knownGlobalEpoch) return;
      this.unknown.clear();
      const entries = [...this.cache.entries()];
      const epochs = await this.epochs.applicationEpochs(entries.map(([id]) => id));
      this.knownGlobalEpoch = global;
      for (const [id, entry] of entries) {
        // Still loading: it may have read the configuration before the change.
        const stale = entry.value === undefined || (entry.value === null ? epochs.has(id) : epochs.get(id) !== entry.value.epoch);
        if (stale && this.cache.peek(id) === entry) this.cache.delete(id);
      }
    } catch (error) {
      this.logger.debug(`epoch poll failed: ${String(error)}`);
    }
  }

  /** The application row (with its epoch) is read first: policies read after it are at least as new as that epoch. */
  private async load(applicationId: string): Promise<ApplicationContext | null> {
    const app = await this.applications.findCredentials(applicationId);
    if (!app) return null;
    const [policies, related] = await Promise.all([
      this.policies.enginePoliciesFor(applicationId),
      this.policies.relatedApplicationIds(applicationId),
    ]);
    return {
      app,
      epoch: app.policyEpoch,
      policies,
      requiredMetadata: requiredPlayerInputs(app, policies),
      relatedApplicationIds: new Set([applicationId, ...related]),
    };
  }
}
