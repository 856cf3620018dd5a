import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type Actor, AuditService, canAccessTenant, visibleTenants } from '@cm/identity';
import { type Application, ApplicationsService, type CreateApplicationInput, type UpdateApplicationInput } from './applications.service';
import { TenantsError, TenantsErrorCode } from './tenants.errors';
import { type Tenant, TenantsService } from './tenants.service';

const tenantNotFound = (id: string) => new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
const applicationNotFound = (id: string) => new TenantsError(TenantsErrorCode.APPLICATION_NOT_FOUND, `Application ${id} not found`);

/**
 * The management API's tenant and application use cases: who may see what (another tenant's objects are
 * "not found"), and an audit entry in the same transaction as every change. Secrets never reach the audit.
 */
@Injectable()
export class TenantsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
  ) {}

  async listTenants(actor: Actor): Promise<Tenant[]> {
    const visible = visibleTenants(actor);
    return visible === 'all' ? this.tenants.list() : this.tenants.listByIds(visible);
  }

  async getTenant(actor: Actor, id: string): Promise<Tenant> {
    if (!canAccessTenant(actor, id)) throw tenantNotFound(id);
    return this.tenants.get(id);
  }

  createTenant(actor: Actor, input: { slug: string; name: string }): Promise<Tenant> {
    return this.dataSource.transaction(async (m) => {
      const tenant = await this.tenants.create(input, m);
      await this.audit.record(
        { actor, action: 'tenant.create', targetType: 'tenant', targetId: tenant.id, tenantId: tenant.id, after: tenant },
        m,
      );
      return tenant;
    });
  }

  updateTenant(actor: Actor, id: string, input: { name?: string }): Promise<Tenant> {
    if (!canAccessTenant(actor, id)) throw tenantNotFound(id);
    return this.dataSource.transaction(async (m) => {
      const { before, after } = await this.tenants.update(id, input, m);
      await this.audit.record({ actor, action: 'tenant.update', targetType: 'tenant', targetId: id, tenantId: id, before, after }, m);
      return after;
    });
  }

  async deleteTenant(actor: Actor, id: string): Promise<void> {
    if (!canAccessTenant(actor, id)) throw tenantNotFound(id);
    await this.dataSource.transaction(async (m) => {
      const before = await this.tenants.delete(id, m);
      // The tenant is gone: the entry keeps its id as the target but belongs to no tenant any more.
      await this.audit.record({ actor, action: 'tenant.delete', targetType: 'tenant', targetId: id, tenantId: null, before }, m);
    });
  }

  async listApplications(actor: Actor, tenantId: string): Promise<Application[]> {
    if (!canAccessTenant(actor, tenantId)) throw tenantNotFound(tenantId);
    await this.tenants.get(tenantId);
    return this.applications.listByTenant(tenantId);
  }

  async getApplication(actor: Actor, id: string): Promise<Application> {
    const app = await this.applications.get(id);
    if (!canAccessTenant(actor, app.tenantId)) throw applicationNotFound(id);
    return app;
  }

  createApplication(actor: Actor, tenantId: string, input: CreateApplicationInput): Promise<Application & { secret?: string }> {
    if (!canAccessTenant(actor, tenantId)) throw tenantNotFound(tenantId);
    return this.dataSource.transaction(async (m) => {
      const { application, secret } = await this.applications.create(tenantId, input, m);
      await this.audit.record(
        { actor, action: 'application.create', targetType: 'application', targetId: application.id, tenantId, after: application },
        m,
      );
      return secret === undefined ? application : { ...application, secret };
    });
  }

  async updateApplication(actor: Actor, id: string, input: UpdateApplicationInput): Promise<Application & { secret?: string }> {
    const app = await this.getApplication(actor, id);
    return this.dataSource.transaction(async (m) => {
      const { before, after, secret } = await this.applications.update(id, input, m);
      await this.audit.record(
        { actor, action: 'application.update', targetType: 'application', targetId: id, tenantId: app.tenantId, before, after },
        m,
      );
      return secret === undefined ? after : { ...after, secret };
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<Application & { secret: string }> {
    const app = await this.getApplication(actor, id);
    return this.dataSource.transaction(async (m) => {
      const { before, after, secret } = await this.applications.rotateSecret(id, m);
      await this.audit.record(
        { actor, action: 'application.rotate-secret', targetType: 'application', targetId: id, tenantId: app.tenantId, before, after },
        m,
      );
      return { ...after, secret };
    });
  }

  async deleteApplication(actor: Actor, id: string): Promise<void> {
    const app = await this.getApplication(actor, id);
    const deleted = await this.dataSource.transaction(async (m) => {
      const before = await this.applications.delete(id, m);
      await this.audit.record(
        { actor, action: 'application.delete', targetType: 'application', targetId: id, tenantId: app.tenantId, before },
        m,
      );
      return before;
    });
    await this.applications.afterDelete(deleted);
  }
}
