import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApplicationEntity } from './application.entity';
import { ConfigEpochService } from './config-epoch.service';
import { generateSecret, hashSecret } from './secrets';
import { TenantEntity } from './tenant.entity';
import { TenantsError, TenantsErrorCode } from './tenants.errors';

export interface Application {
  id: string;
  tenantId: string;
  name: string;
  platform: string;
  heartbeatIntervalSeconds: number;
  requireSecret: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What the CM API needs to authenticate a player and answer it; cached by the sessions library. */
export interface ApplicationCredentials extends Application {
  secretHash: string | null;
}

export interface CreateApplicationInput {
  id?: string;
  name: string;
  platform?: string;
  heartbeatIntervalSeconds?: number;
  requireSecret?: boolean;
}

export const APPLICATION_ID_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const HEARTBEAT_INTERVAL_RANGE = { min: 10, max: 3600 } as const;

function toApplication(e: ApplicationEntity): Application {
  return {
    id: e.id,
    tenantId: e.tenantId,
    name: e.name,
    platform: e.platform,
    heartbeatIntervalSeconds: e.heartbeatIntervalSeconds,
    requireSecret: e.secretHash !== null,
    enabled: e.enabled,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

@Injectable()
export class ApplicationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly epoch: ConfigEpochService,
  ) {}

  /** Creates an application; `secret` is returned once when `requireSecret`, never stored in clear. */
  async create(tenantId: string, input: CreateApplicationInput): Promise<{ application: Application; secret?: string }> {
    const id = input.id ?? `app-${randomBytes(6).toString('hex')}`;
    if (!APPLICATION_ID_PATTERN.test(id)) {
      throw new TenantsError(TenantsErrorCode.INVALID_APPLICATION, 'id must be 3-64 characters of A-Z a-z 0-9 _ . -', 'id');
    }
    const interval = input.heartbeatIntervalSeconds ?? 60;
    if (!Number.isInteger(interval) || interval < HEARTBEAT_INTERVAL_RANGE.min || interval > HEARTBEAT_INTERVAL_RANGE.max) {
      throw new TenantsError(
        TenantsErrorCode.INVALID_APPLICATION,
        `heartbeatIntervalSeconds must be an integer between ${HEARTBEAT_INTERVAL_RANGE.min} and ${HEARTBEAT_INTERVAL_RANGE.max}`,
        'heartbeatIntervalSeconds',
      );
    }
    const secret = input.requireSecret ? generateSecret() : undefined;
    return this.dataSource.transaction(async (manager) => {
      if (!(await manager.existsBy(TenantEntity, { id: tenantId }))) {
        throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${tenantId} not found`);
      }
      if (await manager.existsBy(ApplicationEntity, { id })) {
        throw new TenantsError(TenantsErrorCode.APPLICATION_ID_TAKEN, `An application with id "${id}" already exists`, 'id');
      }
      const saved = await manager.save(
        manager.create(ApplicationEntity, {
          id,
          tenantId,
          name: input.name,
          platform: input.platform ?? 'web',
          heartbeatIntervalSeconds: interval,
          secretHash: secret ? hashSecret(secret) : null,
          enabled: true,
        }),
      );
      await this.epoch.bump(manager);
      return { application: toApplication(saved), secret };
    });
  }

  async findCredentials(id: string): Promise<ApplicationCredentials | null> {
    const e = await this.dataSource.manager.findOneBy(ApplicationEntity, { id });
    return e ? { ...toApplication(e), secretHash: e.secretHash } : null;
  }

  async get(id: string): Promise<Application> {
    const e = await this.dataSource.manager.findOneBy(ApplicationEntity, { id });
    if (!e) throw new TenantsError(TenantsErrorCode.APPLICATION_NOT_FOUND, `Application ${id} not found`);
    return toApplication(e);
  }

  async listByTenant(tenantId: string): Promise<Application[]> {
    const rows = await this.dataSource.manager.find(ApplicationEntity, { where: { tenantId }, order: { name: 'ASC' } });
    return rows.map(toApplication);
  }

  /** Names of the given applications (for conflict and running-stream bodies). */
  async namesByIds(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.dataSource.query('SELECT id, name FROM applications WHERE id = ANY($1)', [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Marks the application's configuration as changed (its policies changed), for `Last-Modified`. */
  async touch(id: string, manager = this.dataSource.manager): Promise<void> {
    await manager.query('UPDATE applications SET updated_at = now() WHERE id = $1', [id]);
  }
}
