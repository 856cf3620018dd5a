import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { OutboundGuard } from '@cm/outbound';
import { ApplicationEntity } from './application.entity';
import { ConfigEpochService } from './config-epoch.service';
import { checkEntitlements, type EntitlementsInput, type EntitlementsSettings } from './entitlements-settings';
import { generateSecret, hashSecret } from './secrets';
import { TenantEntity } from './tenant.entity';
import { TenantsError, TenantsErrorCode } from './tenants.errors';
import { inTransaction, isUniqueViolation } from './transactions';

export interface Application {
  id: string;
  tenantId: string;
  name: string;
  platform: string;
  heartbeatIntervalSeconds: number;
  requireSecret: boolean;
  enabled: boolean;
  /** Signed playback tokens for licence servers and CDNs (off by default). */
  playbackTokens: PlaybackTokensSettings;
  /** Players send entitlement tokens of this identity system; their claims become `claims.*` attributes. */
  entitlements: EntitlementsSettings | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlaybackTokensSettings {
  enabled: boolean;
}

/** What the CM API needs to authenticate a player and answer it; cached by the sessions library. */
export interface ApplicationCredentials extends Application {
  secretHash: string | null;
  /** Moves whenever something deciding this application's streams changes (see ApplicationEntity). */
  policyEpoch: number;
}

export interface CreateApplicationInput {
  id?: string;
  name: string;
  platform?: string;
  heartbeatIntervalSeconds?: number;
  requireSecret?: boolean;
  playbackTokens?: PlaybackTokensSettings;
  /** Checked by `checkEntitlements`. */
  entitlements?: EntitlementsInput | null;
}

export interface UpdateApplicationInput {
  name?: string;
  platform?: string;
  heartbeatIntervalSeconds?: number;
  enabled?: boolean;
  /** true: the application gets a secret (generated and returned once when it had none); false: it needs none. */
  requireSecret?: boolean;
  playbackTokens?: PlaybackTokensSettings;
  /** Checked by `checkEntitlements`; null removes them. */
  entitlements?: EntitlementsInput | null;
}

/**
 * Lets another library take part in deleting an application: `before` runs inside the deleting transaction
 * (remove what refers to the application, or throw a typed error to refuse); `after` runs once it committed.
 */
export interface ApplicationDeletionHook {
  before?: (application: Application, manager: EntityManager) => Promise<void>;
  after?: (application: Application) => Promise<void>;
}

/**
 * Injection token: `false` when applications without a secret are refused (production without
 * CM_ALLOW_OPEN_APPLICATIONS). Absent: allowed.
 */
export const OPEN_APPLICATIONS_ALLOWED = Symbol('cm.openApplicationsAllowed');

const openRefused = () =>
  new TenantsError(
    TenantsErrorCode.INVALID_APPLICATION,
    'This server runs in production and refuses applications without a secret: leave requireSecret true (or set CM_ALLOW_OPEN_APPLICATIONS=true on the server)',
    'requireSecret',
  );

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
    playbackTokens: { enabled: e.playbackTokensEnabled },
    entitlements: e.entitlements,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function checkInterval(interval: number): number {
  if (!Number.isInteger(interval) || interval < HEARTBEAT_INTERVAL_RANGE.min || interval > HEARTBEAT_INTERVAL_RANGE.max) {
    throw new TenantsError(
      TenantsErrorCode.INVALID_APPLICATION,
      `heartbeatIntervalSeconds must be an integer between ${HEARTBEAT_INTERVAL_RANGE.min} and ${HEARTBEAT_INTERVAL_RANGE.max}`,
      'heartbeatIntervalSeconds',
    );
  }
  return interval;
}

@Injectable()
export class ApplicationsService {
  private readonly deletionHooks: ApplicationDeletionHook[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly epoch: ConfigEpochService,
    /** What URLs (entitlement JWKS) this server may fetch; provided by the composition root from the environment. */
    private readonly outbound: OutboundGuard,
    @Optional() @Inject(OPEN_APPLICATIONS_ALLOWED) private readonly openAllowed: boolean = true,
  ) {}

  /**
   * Creates an application; `secret` is returned once when `requireSecret`, never stored in clear. `requireSecret`
   * defaults to false, or to true where open applications are refused (and false is then a 400).
   */
  async create(
    tenantId: string,
    input: CreateApplicationInput,
    manager?: EntityManager,
  ): Promise<{ application: Application; secret?: string }> {
    const id = input.id ?? `app-${randomBytes(6).toString('hex')}`;
    if (!APPLICATION_ID_PATTERN.test(id)) {
      throw new TenantsError(TenantsErrorCode.INVALID_APPLICATION, 'id must be 3-64 characters of A-Z a-z 0-9 _ . -', 'id');
    }
    const interval = checkInterval(input.heartbeatIntervalSeconds ?? 60);
    if (input.requireSecret === false && !this.openAllowed) throw openRefused();
    const secret = (input.requireSecret ?? !this.openAllowed) ? generateSecret() : undefined;
    const entitlements = input.entitlements ? await checkEntitlements(input.entitlements, this.outbound) : null;
    return inTransaction(this.dataSource, manager, async (manager) => {
      if (!(await manager.existsBy(TenantEntity, { id: tenantId }))) {
        throw new TenantsError(TenantsErrorCode.TENANT_NOT_FOUND, `Tenant ${tenantId} not found`);
      }
      if (await manager.existsBy(ApplicationEntity, { id })) {
        throw new TenantsError(TenantsErrorCode.APPLICATION_ID_TAKEN, `An application with id "${id}" already exists`, 'id');
      }
      const entity = manager.create(ApplicationEntity, {
        id,
        tenantId,
        name: input.name,
        platform: input.platform ?? 'web',
        heartbeatIntervalSeconds: interval,
        secretHash: secret ? hashSecret(secret) : null,
        enabled: true,
        playbackTokensEnabled: input.playbackTokens?.enabled ?? false,
        entitlements,
      });
      let saved: ApplicationEntity;
      try {
        await manager.query('SAVEPOINT application_insert');
        saved = await manager.save(entity);
        await manager.query('RELEASE SAVEPOINT application_insert');
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await manager.query('ROLLBACK TO SAVEPOINT application_insert');
        throw new TenantsError(TenantsErrorCode.APPLICATION_ID_TAKEN, `An application with id "${id}" already exists`, 'id');
      }
      await this.epoch.bump(manager, [id]);
      return { application: toApplication(saved), secret };
    });
  }

  /**
   * Changes an application's settings; every change can alter CM answers, so it bumps the application's epoch
   * and `updated_at` in the same transaction. `secret` is set (once) when the change made it require one.
   */
  async update(
    id: string,
    input: UpdateApplicationInput,
    manager?: EntityManager,
  ): Promise<{ before: Application; after: Application; secret?: string }> {
    const interval = input.heartbeatIntervalSeconds === undefined ? undefined : checkInterval(input.heartbeatIntervalSeconds);
    if (input.requireSecret === false && !this.openAllowed) throw openRefused();
    const entitlements = input.entitlements ? await checkEntitlements(input.entitlements, this.outbound) : input.entitlements;
    return inTransaction(this.dataSource, manager, async (m) => {
      const entity = await this.lock(m, id);
      const before = toApplication(entity);
      let secret: string | undefined;
      if (input.name !== undefined) entity.name = input.name;
      if (input.platform !== undefined) entity.platform = input.platform;
      if (interval !== undefined) entity.heartbeatIntervalSeconds = interval;
      if (input.enabled !== undefined) entity.enabled = input.enabled;
      if (input.playbackTokens !== undefined) entity.playbackTokensEnabled = input.playbackTokens.enabled;
      if (entitlements !== undefined) entity.entitlements = entitlements;
      if (input.requireSecret === true && entity.secretHash === null) {
        secret = generateSecret();
        entity.secretHash = hashSecret(secret);
      } else if (input.requireSecret === false) {
        entity.secretHash = null;
      }
      await m.save(entity);
      await this.touch(id, m);
      await this.epoch.bump(m, [id]);
      return { before, after: toApplication(await this.lock(m, id)), secret };
    });
  }

  /** Replaces the application's secret (it requires one from now on); the new secret is returned once. */
  async rotateSecret(id: string, manager?: EntityManager): Promise<{ before: Application; after: Application; secret: string }> {
    const secret = generateSecret();
    return inTransaction(this.dataSource, manager, async (m) => {
      const entity = await this.lock(m, id);
      const before = toApplication(entity);
      await m.update(ApplicationEntity, { id }, { secretHash: hashSecret(secret) });
      await this.touch(id, m);
      await this.epoch.bump(m, [id]);
      return { before, after: toApplication(await this.lock(m, id)), secret };
    });
  }

  /** Deletes an application, running the deletion hooks (policies detach it, sessions end its running streams). */
  async delete(id: string, manager?: EntityManager): Promise<Application> {
    const deleted = await inTransaction(this.dataSource, manager, async (m) => {
      const application = toApplication(await this.lock(m, id));
      for (const hook of this.deletionHooks) await hook.before?.(application, m);
      await m.delete(ApplicationEntity, { id });
      await this.epoch.bump(m, [id]);
      return application;
    });
    if (!manager) await this.afterDelete(deleted);
    return deleted;
  }

  /** The post-commit part of `delete`, for callers that passed their own transaction (call it after commit). */
  async afterDelete(application: Application): Promise<void> {
    for (const hook of this.deletionHooks) await hook.after?.(application);
  }

  onDelete(hook: ApplicationDeletionHook): void {
    this.deletionHooks.push(hook);
  }

  /** The given applications that exist (any tenant), keyed by id. */
  async findMany(ids: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, Application>> {
    const valid = ids.filter((id) => APPLICATION_ID_PATTERN.test(id));
    if (valid.length === 0) return new Map();
    const rows = await manager.find(ApplicationEntity, { where: { id: In(valid) } });
    return new Map(rows.map((e) => [e.id, toApplication(e)]));
  }

  private async lock(m: EntityManager, id: string): Promise<ApplicationEntity> {
    const entity = !APPLICATION_ID_PATTERN.test(id)
      ? null
      : await m.findOne(ApplicationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!entity) throw new TenantsError(TenantsErrorCode.APPLICATION_NOT_FOUND, `Application ${id} not found`);
    return entity;
  }

  async findCredentials(id: string): Promise<ApplicationCredentials | null> {
    // An id that cannot exist (bad characters, NUL) is simply unknown; it never reaches the database.
    if (!APPLICATION_ID_PATTERN.test(id)) return null;
    const e = await this.dataSource.manager.findOneBy(ApplicationEntity, { id });
    return e ? { ...toApplication(e), secretHash: e.secretHash, policyEpoch: Number(e.policyEpoch) } : null;
  }

  async get(id: string, manager = this.dataSource.manager): Promise<Application> {
    const e = APPLICATION_ID_PATTERN.test(id) ? await manager.findOneBy(ApplicationEntity, { id }) : null;
    if (!e) throw new TenantsError(TenantsErrorCode.APPLICATION_NOT_FOUND, `Application ${id} not found`);
    return toApplication(e);
  }

  /** Ids of the applications that serve the player API without a secret, sorted. */
  async openApplicationIds(): Promise<string[]> {
    const rows = await this.dataSource.manager.find(ApplicationEntity, {
      select: { id: true },
      where: { secretHash: IsNull() },
      order: { id: 'ASC' },
    });
    return rows.map((e) => e.id);
  }

  async listByTenant(tenantId: string): Promise<Application[]> {
    const rows = await this.dataSource.manager.find(ApplicationEntity, { where: { tenantId }, order: { name: 'ASC' } });
    return rows.map(toApplication);
  }

  /** The tenant's applications, locked for the rest of the caller's transaction (configuration applies). */
  async listByTenantForUpdate(tenantId: string, manager: EntityManager): Promise<Application[]> {
    const rows = await manager.find(ApplicationEntity, { where: { tenantId }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
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
