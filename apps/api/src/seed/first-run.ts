import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PoliciesService } from '@cm/policies';
import { ApplicationsService, TenantsService } from '@cm/tenants';

export const DEMO = {
  tenant: { slug: 'demo', name: 'Demo' },
  application: { id: 'demo-app', name: 'Demo application', platform: 'web', heartbeatIntervalSeconds: 60, requireSecret: false },
  policy: {
    name: 'demo-policy',
    description: 'At most 3 streams per account (first wins).',
    rules: [{ name: '3 streams cap', limit: 3, onConflict: 'reject', message: 'Number of active streams exceeded' }],
  },
} as const;

/** The first-run seed of DESIGN §6. Several processes may start at once: one seeds, the others wait and skip. */
@Injectable()
export class FirstRunSeeder {
  private readonly logger = new Logger(FirstRunSeeder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly policies: PoliciesService,
  ) {}

  /** Seeds the demo tenant, application and policy on an empty database; returns whether it did. */
  async seedDemo(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SELECT pg_advisory_lock(hashtext('cm:first-run'))");
      if (!(await this.tenants.isEmpty())) return false;
      const tenant = await this.tenants.create(DEMO.tenant);
      await this.applications.create(tenant.id, { ...DEMO.application });
      const policy = await this.policies.create(tenant.id, { ...DEMO.policy, rules: DEMO.policy.rules.map((r) => ({ ...r })) });
      await this.policies.attachToApplication(DEMO.application.id, [policy.id]);
      this.logger.log(`seeded tenant "${DEMO.tenant.slug}", application "${DEMO.application.id}" and policy "${DEMO.policy.name}"`);
      return true;
    } finally {
      await runner.query("SELECT pg_advisory_unlock(hashtext('cm:first-run'))").catch(() => undefined);
      await runner.release();
    }
  }
}
