import { Injectable } from '@nestjs/common';
import { type Actor, visibleTenants } from '@cm/identity';
import { TenantsService } from '@cm/tenants';
import { ConfigurationReader } from '../configuration-reader';
import { ConfigurationError, ConfigurationErrorCode } from '../configuration.errors';
import { type ConfigurationDocument, toDocument } from '../export';

/** GET /api/v1/configuration: the configuration of every tenant the caller can see, as a file states it. */
@Injectable()
export class ExportConfigurationUseCase {
  constructor(
    private readonly tenants: TenantsService,
    private readonly reader: ConfigurationReader,
  ) {}

  async execute(actor: Actor, options: { tenant?: string } = {}): Promise<ConfigurationDocument> {
    const visible = visibleTenants(actor);
    let covered = visible === 'all' ? await this.tenants.list() : await this.tenants.listByIds(visible);
    if (options.tenant !== undefined) {
      covered = covered.filter((t) => t.slug === options.tenant);
      if (covered.length === 0) {
        throw new ConfigurationError(ConfigurationErrorCode.REFERENCE_NOT_FOUND, `Tenant ${options.tenant} not found`, [
          { field: 'tenant', message: `no tenant "${options.tenant}" that you can see` },
        ]);
      }
    }
    const view = await this.reader.exportView(actor, covered);
    return toDocument([...view.states.values()], view);
  }
}
