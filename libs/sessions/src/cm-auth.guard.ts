import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { secretMatches } from '@cm/tenants';
import { type ApplicationContext, ApplicationDirectory } from './application-directory';
import { CmError } from './sessions.errors';

interface CmRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  cmApplication?: ApplicationContext;
}

function parseBasic(header: string | string[] | undefined): { user: string; password: string } | null {
  if (typeof header !== 'string') return null;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const FORM_CREDENTIALS = 'cm:form-credentials';

/**
 * Marks a route that also takes the credentials as form fields `applicationId` and `secret` of its body when the
 * request has no Authorization header: `navigator.sendBeacon` cannot set headers (POST …/stop, our extension).
 */
export const AcceptsFormCredentials = () => SetMetadata(FORM_CREDENTIALS, true);

function formCredentials(body: unknown): { user: string; password: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const { applicationId, secret } = body as Record<string, unknown>;
  if (typeof applicationId !== 'string') return null;
  return { user: applicationId, password: typeof secret === 'string' ? secret : '' };
}

/** One answer for an unknown application id and a wrong secret: a caller cannot probe which ids exist. */
const BAD_CREDENTIALS = 'Unknown application id or wrong secret';

/** HTTP Basic: user = application id, password = the application's secret (empty when it needs none). */
@Injectable()
export class CmAuthGuard implements CanActivate {
  constructor(
    private readonly directory: ApplicationDirectory,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CmRequest>();
    const header = request.headers.authorization;
    const fromForm = header === undefined && this.reflector.get<boolean>(FORM_CREDENTIALS, context.getHandler()) === true;
    const credentials = fromForm ? formCredentials(request.body) : parseBasic(header);
    if (!credentials || credentials.user === '') {
      throw CmError.unauthorized(
        fromForm
          ? 'Send the application id as the Basic auth user name, or as the form field applicationId'
          : 'Send the application id as the Basic auth user name',
      );
    }
    const ctx = await this.directory.get(credentials.user);
    if (!ctx) throw CmError.unauthorized(BAD_CREDENTIALS);
    const { secretHash, enabled } = ctx.app;
    if (secretHash !== null ? !secretMatches(credentials.password, secretHash) : credentials.password !== '') {
      throw CmError.unauthorized(BAD_CREDENTIALS);
    }
    if (!enabled) throw CmError.unauthorized('This application is disabled');
    request.cmApplication = ctx;
    return true;
  }
}

/** The authenticated application of a CM call. */
export const CmApplication = createParamDecorator((_: unknown, context: ExecutionContext): ApplicationContext => {
  const ctx = context.switchToHttp().getRequest<CmRequest>().cmApplication;
  if (!ctx) throw CmError.unauthorized('Not authenticated');
  return ctx;
});
