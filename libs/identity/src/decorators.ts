import {
  applyDecorators,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from './actor';
import { IdentityError } from './identity.errors';
import { ManagementAuthGuard } from './management-auth.guard';
import { ManagementReplyInterceptor } from './management-reply';
import { MAX_BODY_BYTES_KEY, PENDING_PASSWORD_KEY, PUBLIC_KEY, ROLES_KEY, SAME_ORIGIN_KEY } from './metadata-keys';
import type { ManagementRequest } from './request';

/** Names of the security schemes in the OpenAPI document. */
export const COOKIE_SCHEME = 'session';
export const BEARER_SCHEME = 'token';

/**
 * Class decorator for every management controller: `Controller('api/v1/<path>')`, authentication (session cookie
 * or `Authorization: Bearer <token>`), role checks, the CSRF check for cookie-authenticated writes, no-store
 * answers, and the OpenAPI tag and security.
 */
export function ManagementController(path: string, tag: string): ClassDecorator {
  const route = path.replace(/^\/+|\/+$/g, '');
  return applyDecorators(
    Controller(route ? `api/v1/${route}` : 'api/v1'),
    UseGuards(ManagementAuthGuard),
    UseInterceptors(ManagementReplyInterceptor),
    ApiTags(tag),
    ApiCookieAuth(COOKIE_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'Not signed in: no valid session cookie or API token' }),
    ApiForbiddenResponse({ description: 'The role may not do this, or a cookie-authenticated write failed the CSRF check' }),
  );
}

/** Roles allowed on a route. Without it: GET/HEAD → every role; other methods → admin and tenant-admin. */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return SetMetadata(ROLES_KEY, roles);
}

/** A route of a ManagementController that needs no authentication (login). */
export function Public(): MethodDecorator {
  return applyDecorators(SetMetadata(PUBLIC_KEY, true));
}

/** A route an operator signed in with a reset password may still call (who am I, change my password). */
export function AllowPendingPasswordChange(): MethodDecorator {
  return SetMetadata(PENDING_PASSWORD_KEY, true);
}

/**
 * A public write a browser must not be made to send from another site (sign-in, sign-out): a foreign Origin or
 * Referer answers 403, like every cookie-authenticated write (a request naming neither is a script: it passes).
 */
export function SameOrigin(): MethodDecorator {
  return SetMetadata(SAME_ORIGIN_KEY, true);
}

/** A smaller body limit for one route than the server's (413 beyond, by Content-Length). */
export function MaxBodyBytes(bytes: number): MethodDecorator {
  return SetMetadata(MAX_BODY_BYTES_KEY, bytes);
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const actor = context.switchToHttp().getRequest<ManagementRequest>().cmActor;
  if (!actor) throw IdentityError.unauthenticated('Sign in first');
  return actor;
});
