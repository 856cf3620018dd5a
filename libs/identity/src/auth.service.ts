import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from './actor';
import { AuditService } from './audit.service';
import { SESSION_IDLE_HOURS } from './authenticator';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { LoginThrottle } from './login-throttle';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { normalizeEmail } from './operators.service';
import { Not } from 'typeorm';
import { hashPassword, needsRehash, PASSWORD_MIN_LENGTH, PasswordHashingBusyError, verifyPassword } from './passwords';
import { randomSecret, sha256Hex } from './secrets';

export interface LoginResult {
  actor: Actor;
  /** The cookie value; only its hash is stored. */
  secret: string;
  expiresAt: Date;
}

/** Login and logout with email + password; sessions live in `operator_sessions`. */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async login(rawEmail: string, password: string, ip: string): Promise<LoginResult> {
    const email = normalizeEmail(rawEmail);
    const wait = await this.throttle.retryAfter(email, ip);
    if (wait > 0) {
      throw new IdentityError(IdentityErrorCode.TOO_MANY_ATTEMPTS, `Too many failed logins; retry in ${wait} seconds`, undefined, {
        'Retry-After': String(wait),
      });
    }
    const operator = await this.dataSource.manager.findOneBy(OperatorEntity, { email });
    // Unknown email and wrong password cost the same and answer the same.
    const ok = await verifyPassword(operator?.passwordHash ?? null, password, { refuseWhenBusy: true }).catch((error: unknown) => {
      if (!(error instanceof PasswordHashingBusyError)) throw error;
      throw new IdentityError(IdentityErrorCode.LOGIN_BUSY, 'Too many sign-ins at once; retry in a second', undefined, {
        'Retry-After': '1',
      });
    });
    if (!operator || !ok) {
      await this.throttle.recordFailure(email, ip);
      throw new IdentityError(IdentityErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    await this.throttle.recordSuccess(email);
    // A hash made with older parameters is replaced while the password is at hand.
    if (needsRehash(operator.passwordHash)) {
      await this.dataSource.query('UPDATE operators SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [
        await hashPassword(password),
        operator.id,
        operator.passwordHash,
      ]);
    }
    const secret = randomSecret();
    const expiresAt = new Date(Date.now() + SESSION_IDLE_HOURS * 3600_000);
    const actor: Actor = {
      kind: 'operator',
      operatorId: operator.id,
      email: operator.email,
      role: operator.role,
      tenantId: operator.tenantId,
      ...(operator.passwordMustChange ? { mustChangePassword: true } : {}),
    };
    await this.dataSource.transaction(async (m) => {
      const now = new Date();
      await m.insert(OperatorSessionEntity, {
        id: uuidv7(),
        operatorId: operator.id,
        secretHash: sha256Hex(secret),
        expiresAt,
        lastSeenAt: now,
      });
      await this.audit.record(
        { actor, action: 'operator.login', targetType: 'operator', targetId: operator.id, tenantId: operator.tenantId },
        m,
      );
    });
    return { actor, secret, expiresAt };
  }

  /**
   * Changes the caller's own password; the current one is required (a stolen session cannot take the account), and
   * wrong guesses count as failed logins. Ends the operator's other login sessions (the one making the change
   * stays) and lifts the "must change" mark a reset left.
   */
  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string, ip: string, sessionSecret?: string): Promise<void> {
    const wait = await this.throttle.retryAfter(actor.email, ip);
    if (wait > 0) {
      throw new IdentityError(IdentityErrorCode.TOO_MANY_ATTEMPTS, `Too many failed attempts; retry in ${wait} seconds`, undefined, {
        'Retry-After': String(wait),
      });
    }
    const operator = await this.dataSource.manager.findOneBy(OperatorEntity, { id: actor.operatorId });
    if (!operator || !(await verifyPassword(operator.passwordHash, currentPassword))) {
      await this.throttle.recordFailure(actor.email, ip);
      throw new IdentityError(IdentityErrorCode.INVALID_OPERATOR, 'This is not your current password', 'currentPassword');
    }
    if (newPassword.length < PASSWORD_MIN_LENGTH) {
      throw new IdentityError(
        IdentityErrorCode.INVALID_OPERATOR,
        `newPassword must be at least ${PASSWORD_MIN_LENGTH} characters`,
        'newPassword',
      );
    }
    if (newPassword === currentPassword) {
      throw new IdentityError(IdentityErrorCode.INVALID_OPERATOR, 'newPassword must differ from the current password', 'newPassword');
    }
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.update(OperatorEntity, { id: operator.id }, { passwordHash, passwordMustChange: false });
      const keep = actor.kind === 'operator' && sessionSecret ? sha256Hex(sessionSecret) : undefined;
      await m.delete(OperatorSessionEntity, keep ? { operatorId: operator.id, secretHash: Not(keep) } : { operatorId: operator.id });
      await this.audit.record(
        {
          actor,
          action: 'operator.change-password',
          targetType: 'operator',
          targetId: operator.id,
          tenantId: operator.tenantId,
          before: { passwordChanged: false },
          after: { passwordChanged: true },
        },
        m,
      );
    });
    await this.throttle.recordSuccess(actor.email);
  }

  /** Ends the session of this cookie value (unknown or expired: nothing to do). */
  async logout(secret: string): Promise<void> {
    await this.dataSource.manager.delete(OperatorSessionEntity, { secretHash: sha256Hex(secret) });
  }
}
