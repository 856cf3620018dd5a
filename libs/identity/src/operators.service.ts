import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, Role, SystemActor } from './actor';
import { AuditService } from './audit.service';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { hashPassword, PASSWORD_MIN_LENGTH } from './passwords';
import { TENANT_REGISTRY, type TenantRegistry } from './tenant-registry.port';
import { isForeignKeyViolation, isUniqueViolation } from './transactions';

/** An operator as the API shows it: never the password hash. */
export interface Operator {
  id: string;
  email: string;
  role: Role;
  tenantId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateOperatorInput {
  email: string;
  password: string;
  role: Role;
  tenantId?: string | null;
}

export interface UpdateOperatorInput {
  email?: string;
  password?: string;
  role?: Role;
  tenantId?: string | null;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const toOperator = (e: OperatorEntity): Operator => ({
  id: e.id,
  email: e.email,
  role: e.role,
  tenantId: e.tenantId,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

/** What the audit log keeps of an operator. */
const audited = (o: Operator) => ({ id: o.id, email: o.email, role: o.role, tenantId: o.tenantId });

/**
 * Emails are unique across tenants, so a 409 is unavoidable; to anyone but an admin it does not say whose the email
 * is or that an operator has it (it may be another tenant's).
 */
const emailTaken = (actor: Actor | undefined, email: string) =>
  new IdentityError(
    IdentityErrorCode.EMAIL_TAKEN,
    actor && actor.role !== 'admin'
      ? 'This email address cannot be used; choose another'
      : `An operator with email ${email} already exists`,
    'email',
  );

const notFound = (id: string) => new IdentityError(IdentityErrorCode.OPERATOR_NOT_FOUND, `Operator ${id} not found`);
const invalid = (field: string, message: string) => new IdentityError(IdentityErrorCode.INVALID_OPERATOR, message, field);

/**
 * Operators of the management API. An admin manages everyone; a tenant-admin manages the tenant-admins and
 * viewers of their own tenant (and sees nobody else: other operators answer 404).
 */
@Injectable()
export class OperatorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(TENANT_REGISTRY) private readonly tenants: TenantRegistry,
  ) {}

  /**
   * Checked before the insert so a typo answers 400 without a failed INSERT (TypeORM logs failed queries with their
   * parameters, which would include the password hash). Asked of the tenants library through its port.
   */
  private async assertTenantExists(tenantId: string | null): Promise<void> {
    if (tenantId === null) return;
    if ((await this.tenants.unknownIds([tenantId])).length > 0) throw invalid('tenantId', `No tenant with id ${tenantId}`);
  }

  async isEmpty(manager?: EntityManager): Promise<boolean> {
    return !(await (manager ?? this.dataSource.manager).exists(OperatorEntity));
  }

  /** Creates an operator without an actor (first start, tests); the caller checks permissions. */
  async createUnchecked(input: CreateOperatorInput, manager?: EntityManager, actor?: Actor): Promise<Operator> {
    const m = manager ?? this.dataSource.manager;
    const tenantId = this.tenantFor(input.role, input.tenantId ?? null);
    checkPassword(input.password);
    const email = normalizeEmail(input.email);
    const taken = () => emailTaken(actor, email);
    if (await m.existsBy(OperatorEntity, { email })) throw taken();
    await this.assertTenantExists(tenantId);
    const entity = m.create(OperatorEntity, {
      id: uuidv7(),
      email,
      role: input.role,
      tenantId,
      passwordHash: await hashPassword(input.password),
    });
    try {
      return toOperator(await m.save(entity));
    } catch (error) {
      if (isUniqueViolation(error)) throw taken();
      if (isForeignKeyViolation(error)) throw invalid('tenantId', `No tenant with id ${tenantId}`);
      throw error;
    }
  }

  async create(actor: Actor, input: CreateOperatorInput): Promise<Operator> {
    const role = input.role;
    let tenantId = input.tenantId ?? null;
    if (actor.role !== 'admin') {
      if (role === 'admin') throw IdentityError.forbidden('Only an admin can create an admin');
      tenantId ??= actor.tenantId;
      if (tenantId !== actor.tenantId) throw invalid('tenantId', `No tenant with id ${tenantId}`);
    }
    return this.dataSource.transaction(async (m) => {
      const operator = await this.createUnchecked({ ...input, tenantId }, m, actor);
      await this.audit.record(
        {
          actor,
          action: 'operator.create',
          targetType: 'operator',
          targetId: operator.id,
          tenantId: operator.tenantId,
          after: audited(operator),
        },
        m,
      );
      return operator;
    });
  }

  async list(actor: Actor): Promise<Operator[]> {
    const where = actor.role === 'admin' ? {} : { tenantId: actor.tenantId ?? undefined };
    const rows = await this.dataSource.manager.find(OperatorEntity, { where, order: { email: 'ASC' } });
    return rows.map(toOperator);
  }

  async get(actor: Actor, id: string): Promise<Operator> {
    return toOperator(await this.visible(this.dataSource.manager, actor, id));
  }

  async update(actor: Actor, id: string, input: UpdateOperatorInput): Promise<Operator> {
    return this.dataSource.transaction(async (m) => {
      const entity = await this.visible(m, actor, id, true);
      const before = toOperator(entity);
      const role = input.role ?? entity.role;
      if (actor.role !== 'admin' && role === 'admin') throw IdentityError.forbidden('Only an admin can make an admin');
      const requestedTenant = input.tenantId !== undefined ? input.tenantId : role === 'admin' ? null : entity.tenantId;
      const tenantId = this.tenantFor(role, requestedTenant);
      if (actor.role !== 'admin' && tenantId !== actor.tenantId) throw invalid('tenantId', `No tenant with id ${tenantId}`);
      if (entity.role === 'admin' && role !== 'admin') await this.assertNotLastAdmin(m, entity.id);
      if (tenantId !== entity.tenantId) await this.assertTenantExists(tenantId);
      if (input.email !== undefined) {
        const email = normalizeEmail(input.email);
        if (email !== entity.email && (await m.existsBy(OperatorEntity, { email }))) {
          throw emailTaken(actor, email);
        }
        entity.email = email;
      }
      if (input.password !== undefined) {
        // Your own password changes only with the current one (a stolen session or token cannot take the account).
        if (entity.id === actor.operatorId) {
          throw invalid('password', 'To change your own password use POST /api/v1/auth/password (it needs your current password)');
        }
        checkPassword(input.password);
        entity.passwordHash = await hashPassword(input.password);
        // A new password ends every login of that operator (API tokens stay: revoke them separately).
        await m.delete(OperatorSessionEntity, { operatorId: entity.id });
      }
      entity.role = role;
      entity.tenantId = tenantId;
      let after: Operator;
      try {
        after = toOperator(await m.save(entity));
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken(actor, entity.email);
        if (isForeignKeyViolation(error)) throw invalid('tenantId', `No tenant with id ${tenantId}`);
        throw error;
      }
      await this.audit.record(
        {
          actor,
          action: 'operator.update',
          targetType: 'operator',
          targetId: id,
          tenantId: after.tenantId,
          before: { ...audited(before), ...(input.password !== undefined ? { passwordChanged: false } : {}) },
          after: { ...audited(after), ...(input.password !== undefined ? { passwordChanged: true } : {}) },
        },
        m,
      );
      return after;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const entity = await this.visible(m, actor, id, true);
      if (entity.role === 'admin') await this.assertNotLastAdmin(m, entity.id);
      await m.delete(OperatorEntity, { id });
      await this.audit.record(
        {
          actor,
          action: 'operator.delete',
          targetType: 'operator',
          targetId: id,
          tenantId: entity.tenantId,
          before: audited(toOperator(entity)),
        },
        m,
      );
    });
  }

  /**
   * Resets another operator's password to a generated one-time password (returned once): their login sessions end,
   * and after signing in with it they must choose a new password before anything else. Their API tokens stay.
   */
  async resetPassword(actor: Actor, id: string): Promise<{ operator: Operator; password: string }> {
    if (actor.operatorId === id) {
      throw invalid('id', 'To change your own password use POST /api/v1/auth/password (it needs your current password)');
    }
    return this.dataSource.transaction(async (m) => this.reset(m, actor, await this.visible(m, actor, id, true)));
  }

  /** The same from the server's shell (`npm run cm -- reset-password EMAIL`): no sign-in, any operator. */
  async resetPasswordByEmail(actor: SystemActor, email: string): Promise<{ operator: Operator; password: string }> {
    return this.dataSource.transaction(async (m) => {
      const entity = await m.findOne(OperatorEntity, { where: { email: normalizeEmail(email) }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw new IdentityError(IdentityErrorCode.OPERATOR_NOT_FOUND, `No operator with email ${normalizeEmail(email)}`);
      return this.reset(m, actor, entity);
    });
  }

  private async reset(m: EntityManager, actor: Actor | SystemActor, entity: OperatorEntity) {
    const password = randomBytes(15).toString('base64url');
    entity.passwordHash = await hashPassword(password);
    entity.passwordMustChange = true;
    const operator = toOperator(await m.save(entity));
    await m.delete(OperatorSessionEntity, { operatorId: entity.id });
    await this.audit.record(
      {
        actor,
        action: 'operator.reset-password',
        targetType: 'operator',
        targetId: entity.id,
        tenantId: entity.tenantId,
        before: { passwordChanged: false },
        after: { passwordChanged: true, mustChangePassword: true },
      },
      m,
    );
    return { operator, password };
  }

  /** The operator, if the actor may see it; 404 otherwise (ids of other tenants do not leak). */
  private async visible(m: EntityManager, actor: Actor, id: string, lock = false): Promise<OperatorEntity> {
    const entity = await m.findOne(OperatorEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!entity) throw notFound(id);
    if (actor.role !== 'admin' && (entity.role === 'admin' || entity.tenantId !== actor.tenantId)) throw notFound(id);
    return entity;
  }

  private tenantFor(role: Role, tenantId: string | null): string | null {
    if (role === 'admin') {
      if (tenantId !== null) throw invalid('tenantId', 'An admin belongs to no tenant: leave tenantId out (or null)');
      return null;
    }
    if (tenantId === null) throw invalid('tenantId', `A ${role} needs a tenantId`);
    return tenantId;
  }

  private async assertNotLastAdmin(m: EntityManager, id: string): Promise<void> {
    // Serialise admin removals, so two concurrent requests cannot remove the last two admins.
    await m.query("SELECT pg_advisory_xact_lock(hashtext('cm:last-admin'))");
    const others = await m.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM operators WHERE role = 'admin' AND id <> $1`, [id]);
    if (others[0].n === 0) {
      throw new IdentityError(IdentityErrorCode.LAST_ADMIN, 'This is the last admin: create another admin first');
    }
  }
}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw invalid('password', `password must be at least ${PASSWORD_MIN_LENGTH} characters`);
}
