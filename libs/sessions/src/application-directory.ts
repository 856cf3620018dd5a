import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PoliciesService } from '@cm/policies';
import { type EnginePolicy, requiredMetadata } from '@cm/policy-engine';
import { type ApplicationCredentials, ApplicationsService, ConfigEpochService } from '@cm/tenants';

export interface ApplicationContext {
  app: ApplicationCredentials;
  policies: EnginePolicy[];
  requiredMetadata: string[];
  /** Applications whose streams this one may list: its tenant's and those sharing a policy with it. */
  visibleApplicationIds: Set<string>;
}

const EPOCH_POLL_MS = 1000;

/**
 * Applications and their policies, cached per process and dropped whenever the configuration epoch
 * moves (polled every second, and checked by every init inside its transaction). The heartbeat's own
 * compliance check compares epochs in SQL, so this cache never makes a decision stale.
 */
@Injectable()
export class ApplicationDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApplicationDirectory.name);
  private cache = new Map<string, Promise<ApplicationContext | null>>();
  private knownEpoch = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
    private readonly epochs: ConfigEpochService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.epochs.current().then(
        (epoch) => this.observeEpoch(epoch),
        (error: unknown) => this.logger.debug(`epoch poll failed: ${String(error)}`),
      );
    }, EPOCH_POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Drops cached entries when the configuration changed since they were loaded. */
  observeEpoch(epoch: number): void {
    if (epoch !== this.knownEpoch) {
      this.knownEpoch = epoch;
      this.cache = new Map();
    }
  }

  get(applicationId: string): Promise<ApplicationContext | null> {
    let entry = this.cache.get(applicationId);
    if (!entry) {
      entry = this.load(applicationId);
      this.cache.set(applicationId, entry);
      entry.catch(() => this.cache.delete(applicationId));
    }
    return entry;
  }

  private async load(applicationId: string): Promise<ApplicationContext | null> {
    const app = await this.applications.findCredentials(applicationId);
    if (!app) return null;
    const [policies, related, own] = await Promise.all([
      this.policies.enginePoliciesFor(applicationId),
      this.policies.relatedApplicationIds(applicationId),
      this.applications.listByTenant(app.tenantId),
    ]);
    return {
      app,
      policies,
      requiredMetadata: requiredMetadata(policies),
      visibleApplicationIds: new Set([applicationId, ...related, ...own.map((a) => a.id)]),
    };
  }
}
