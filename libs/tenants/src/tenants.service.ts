import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ApplicationEntity } from './application.entity';
import { TenantEntity } from './tenant.entity';
import { TenantsError, TenantsErrorCode } from './tenants.errors';
import { inTransaction, isForeignKeyViolation, isUniqueViolation } from './transactions';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * Called inside the transaction that deletes a tenant, by libraries that keep rows for it (policies): throw a
 * typed error to refuse the deletion, or remove what should go with the tenant.
 */
export type TenantDeletionHook = (tenantId: string, manager: EntityManager) => Promise<void>;

const toTenant = (e: TenantEntity): Tenant => ({ id: e.id, slug: e.slug, name: e.name, createdAt: e.createdAt, updatedAt: e.updatedAt });

@Injectable()
export class TenantsService {
  private readonly deletionHooks: TenantDeletionHook[] = [];

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(input: { slug: string; name: string }, manager?: EntityManager): Promise<Tenant> {
    if (!TENANT_SLUG_PATTERN.test(input.slug)) {
      throw new TenantsError(TenantsErrorCode.INVALID_TENANT, 'slug must be 1-64 lowercase letters, digits or dashes', 'slug');
    }
    const taken = () => new TenantsError(TenantsErrorCode.TENANT_SLUG_TAKEN, `A tenant with slug "${input.slug}" already exists`, 'slug');
    const m = manager ?? this.dataSource.manager;
    if (await m.existsBy(TenantEntity, { slug: input.slug })) throw taken();
    try {
      return toTenant(await m.save(m.create(TenantEntity, { slug: input.slug, name: input.name })));
    } catch (error) {
      throw isUniqueViolation(error) ? taken() : error;
    }
  }

  /** Renames a tenant; returns the state before and after (for the audit trail). */
  async update(id: string, input: { name?: string }, manager?: EntityManager): Promise<{ before: Tenant; after: Tenant }> {
    return inTransaction(this.dataSource, manager, async (m) => {
      const entity = await m.findOne(TenantEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
      const before = toTenant(entity);
      if (input.name !== undefined) entity.name = input.name;
      return { before, after: toTenant(await m.save(entity)) };
    });
  }

  /**
   * Deletes a tenant that owns no applications (and nothing a deletion hook refuses, e.g. policies); answers
   * TENANT_NOT_EMPTY otherwise, so nothing a player depends on disappears by accident.
   */
  async delete(id: string, manager?: EntityManager): Promise<Tenant> {
    return inTransaction(this.dataSource, manager, async (m) => {
      const entity = await m.findOne(TenantEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
      const apps = await m.countBy(ApplicationEntity, { tenantId: id });
      if (apps > 0) {
        throw new TenantsError(
          TenantsErrorCode.TENANT_NOT_EMPTY,
          `Tenant "${entity.slug}" still has ${apps} application(s); delete them first`,
        );
      }
      for (const hook of this.deletionHooks) await hook(id, m);
      const before = toTenant(entity);
      try {
        await m.query('SAVEPOINT tenant_delete');
        await m.delete(TenantEntity, { id });
        await m.query('RELEASE SAVEPOINT tenant_delete');
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        await m.query('ROLLBACK TO SAVEPOINT tenant_delete');
        throw new TenantsError(
          TenantsErrorCode.TENANT_NOT_EMPTY,
          `Tenant "${entity.slug}" is still referenced (operators or API tokens); remove them first`,
        );
      }
      return before;
    });
  }

  /** Lets another library take part in tenant deletion (see TenantDeletionHook). */
  onDelete(hook: TenantDeletionHook): void {
    this.deletionHooks.push(hook);
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    const e = await this.dataSource.manager.findOneBy(TenantEntity, { slug });
    return e ? toTenant(e) : null;
  }

  /** The tenant with this slug, locked for the rest of the caller's transaction (configuration applies). */
  async lockBySlug(slug: string, manager: EntityManager): Promise<Tenant | null> {
    const e = await manager.findOne(TenantEntity, { where: { slug }, lock: { mode: 'pessimistic_write' } });
    return e ? toTenant(e) : null;
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.dataSource.manager.findOneBy(TenantEntity, { id });
    if (!tenant) throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
    return toTenant(tenant);
  }

  async list(): Promise<Tenant[]> {
    return (await this.dataSource.manager.find(TenantEntity, { order: { slug: 'ASC' } })).map(toTenant);
  }

  async listByIds(ids: string[]): Promise<Tenant[]> {
    if (ids.length === 0) return [];
    return (await this.dataSource.manager.find(TenantEntity, { where: { id: In(ids) }, order: { slug: 'ASC' } })).map(toTenant);
  }

  /** Which of `ids` name no tenant. */
  async unknownIds(ids: string[], manager?: EntityManager): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await (manager ?? this.dataSource.manager).find(TenantEntity, { select: { id: true }, where: { id: In(ids) } });
    const known = new Set(found.map((t) => t.id));
    return ids.filter((id) => !known.has(id));
  }

  async isEmpty(): Promise<boolean> {
    return (await this.dataSource.manager.count(TenantEntity)) === 0;
  }
}
