import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor, Role } from './actor';
import { Authenticator } from './authenticator';
import { csrfViolation, foreignSource, nonJsonBody } from './csrf';
import { IdentityError, IdentityErrorCode } from './identity.errors';
import { MAX_BODY_BYTES_KEY, PENDING_PASSWORD_KEY, PUBLIC_KEY, ROLES_KEY, SAME_ORIGIN_KEY } from './metadata-keys';
import { bearerToken, header, type ManagementRequest, sessionCookie } from './request';

const READ_METHODS = new Set(['GET', 'HEAD']);
const EVERY_ROLE: Role[] = ['admin', 'tenant-admin', 'viewer'];
const WRITERS: Role[] = ['admin', 'tenant-admin'];

/**
 * Checks the body's type and size, authenticates management calls (bearer token first, else the session cookie + CSRF
 * check), then checks the role. Public routes marked SameOrigin (sign-in, sign-out) get the Origin check too.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      const foreign = this.reflector.getAllAndOverride<boolean>(SAME_ORIGIN_KEY, targets) ? foreignSource(request, false) : null;
      if (foreign) throw new IdentityError(IdentityErrorCode.CSRF_REJECTED, foreign);
      this.checkBody(request, targets);
      return true;
    }
    // A cookie-authenticated write with a non-JSON body is a CSRF refusal (403); with a token it is a 415.
    const actor = await this.authenticate(request);
    this.checkBody(request, targets);
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

  /** The management API takes JSON bodies only (a form would serve cross-site posts), within the route's limit. */
  private checkBody(request: ManagementRequest, targets: Parameters<Reflector['getAllAndOverride']>[1]): void {
    const unsupported = nonJsonBody(request);
    if (unsupported) throw new IdentityError(IdentityErrorCode.UNSUPPORTED_MEDIA_TYPE, unsupported);
    const maxBytes = this.reflector.getAllAndOverride<number | undefined>(MAX_BODY_BYTES_KEY, targets);
    if (maxBytes !== undefined && Number(header(request, 'content-length') ?? 0) > maxBytes) {
      throw new IdentityError(IdentityErrorCode.BODY_TOO_LARGE, `This route takes bodies of at most ${maxBytes} bytes`);
    }
  }

  private defaultRoles(method: string): Role[] {
    return READ_METHODS.has(method.toUpperCase()) ? EVERY_ROLE : WRITERS;
  }
}
