import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { TenantsError, TenantsErrorCode } from './tenants.errors';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

@Injectable()
export class TenantsService {
  constructor(@InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>) {}

  async create(input: { slug: string; name: string }): Promise<Tenant> {
    if (!TENANT_SLUG_PATTERN.test(input.slug)) {
      throw new TenantsError(TenantsErrorCode.INVALID_TENANT, 'slug must be 1-64 lowercase letters, digits or dashes', 'slug');
    }
    if (await this.tenants.existsBy({ slug: input.slug })) {
      throw new TenantsError(TenantsErrorCode.TENANT_SLUG_TAKEN, `A tenant with slug "${input.slug}" already exists`, 'slug');
    }
    return this.tenants.save(this.tenants.create({ slug: input.slug, name: input.name }));
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.tenants.findOneBy({ slug });
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.tenants.findOneBy({ id });
    if (!tenant) throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${id} not found`);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.tenants.find({ order: { slug: 'ASC' } });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.tenants.count()) === 0;
  }
}
