import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PoliciesService } from '@cm/policies';
import { ApplicationsService, ConfigEpochService, ConfigurationEvents, TenantsService } from '@cm/tenants';

export interface DirectoryApplication {
  id: string;
  name: string;
  tenantId: string;
  tenantSlug: string;
}

export interface DirectoryPolicy {
  id: string;
  name: string;
  tenantId: string;
  /** Every application the policy is attached to (any tenant, when shared). */
  applicationIds: string[];
}

export interface Directory {
  applications: Map<string, DirectoryApplication>;
  policies: DirectoryPolicy[];
}

/** How often the configuration epoch is checked, and the longest a directory is kept regardless. */
const EPOCH_CHECK_MS = 2_000;
const MAX_AGE_MS = 60_000;

/**
 * Who owns which application and which policies are attached where, read through the tenants and policies
 * services and cached: dropped on `configuration.changed` (a change made through this process), reloaded when the
 * configuration epoch moves (a change made by another process), at most every 60 s otherwise, or when an unknown
 * application shows up.
 */
@Injectable()
export class UsageDirectory {
  private readonly logger = new Logger(UsageDirectory.name);
  private cached?: { directory: Directory; epoch: number; loadedAt: number; checkedAt: number };
  private loading?: Promise<Directory>;
  /** Moves with every change heard of: a load that overlapped one is not kept. */
  private generation = 0;

  constructor(
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
    private readonly epoch: ConfigEpochService,
  ) {}

  async current(): Promise<Directory> {
    const now = Date.now();
    const c = this.cached;
    if (c && now - c.checkedAt < EPOCH_CHECK_MS) return c.directory;
    if (c && now - c.loadedAt < MAX_AGE_MS) {
      const epoch = await this.epoch.current();
      if (epoch === c.epoch) {
        c.checkedAt = Date.now();
        return c.directory;
      }
    }
    return this.reload();
  }

  /** The directory, reloaded first when one of `applicationIds` is not in it (created a moment ago). */
  async covering(applicationIds: Iterable<string>): Promise<Directory> {
    const directory = await this.current();
    for (const id of applicationIds) {
      if (!directory.applications.has(id)) return this.reload();
    }
    return directory;
  }

  /** A change committed through this process: the next read reloads. */
  @OnEvent(ConfigurationEvents.changed)
  onConfigurationChanged(): void {
    this.generation += 1;
    this.cached = undefined;
  }

  reload(): Promise<Directory> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Directory> {
    const generation = this.generation;
    const epoch = await this.epoch.current();
    const applications = new Map<string, DirectoryApplication>();
    const policies: DirectoryPolicy[] = [];
    for (const tenant of await this.tenants.list()) {
      for (const app of await this.applications.listByTenant(tenant.id)) {
        applications.set(app.id, { id: app.id, name: app.name, tenantId: tenant.id, tenantSlug: tenant.slug });
      }
      for (const policy of await this.policies.listByTenant(tenant.id)) {
        const applicationIds = await this.policies.attachedApplicationIds(policy.id);
        policies.push({ id: policy.id, name: policy.name, tenantId: policy.tenantId, applicationIds });
      }
    }
    const directory = { applications, policies };
    const now = Date.now();
    if (generation === this.generation) this.cached = { directory, epoch, loadedAt: now, checkedAt: now };
    this.logger.debug(`directory loaded: ${applications.size} applications, ${policies.length} policies (epoch ${epoch})`);
    return directory;
  }
}
