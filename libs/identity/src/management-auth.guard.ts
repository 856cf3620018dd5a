import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor, Role } from './actor';
import { Authenticator } from './authenticator';
import { csrfViolation } from './csrf';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { PENDING_PASSWORD_KEY, PUBLIC_KEY, ROLES_KEY } from './metadata-keys';
import { bearerToken, type ManagementRequest, sessionCookie } from './request';

const READ_METHODS = new Set(['GET', 'HEAD']);
const EVERY_ROLE: Role[] = ['admin', 'tenant-admin', 'viewer'];
const WRITERS: Role[] = ['admin', 'tenant-admin'];

/** Authenticates management calls (bearer token first, else the session cookie + CSRF check), then checks the role. */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    const actor = await this.authenticate(request);
    request.cmActor = actor;
    if (actor.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(PENDING_PASSWORD_KEY, targets)) {
      throw new IdentityError(
        IdentityErrorCode.PASSWORD_CHANGE_REQUIRED,
        'You signed in with a one-time password: choose a new one first (POST /api/v1/auth/password)',
      );
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? this.defaultRoles(request.method);
    if (!allowed.includes(actor.role)) {
      throw IdentityError.forbidden(`This needs the role ${allowed.join(' or ')}; you are ${actor.role}`);
    }
    return true;
  }

  private async authenticate(request: ManagementRequest): Promise<Actor> {
    const token = bearerToken(request);
    if (token === null) throw IdentityError.unauthenticated('The Authorization header must be "Bearer <API token>"');
    if (token !== undefined) {
      const actor = await this.authenticator.fromToken(token);
      if (!actor) throw IdentityError.unauthenticated('The API token is unknown, revoked or expired');
      return actor;
    }
    const secret = sessionCookie(request);
    if (!secret)
      throw IdentityError.unauthenticated('Sign in (POST /api/v1/auth/login) or send an API token as "Authorization: Bearer <token>"');
    const actor = await this.authenticator.fromSessionSecret(secret);
    if (!actor) throw IdentityError.unauthenticated('Your session has expired or was ended; sign in again');
    const violation = csrfViolation(request);
    if (violation) throw new IdentityError(IdentityErrorCode.CSRF_REJECTED, violation);
    return actor;
  }

  private defaultRoles(method: string): Role[] {
    return READ_METHODS.has(method.toUpperCase()) ? EVERY_ROLE : WRITERS;
  }
}
