import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { secretMatches } from '@cm/tenants';
import { type ApplicationContext, ApplicationDirectory } from './application-directory';
import { CmError } from './sessions.errors';

interface CmRequest {
  headers: Record<string, string | string[] | undefined>;
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

/** One answer for an unknown application id and a wrong secret: a caller cannot probe which ids exist. */
const BAD_CREDENTIALS = 'Unknown application id or wrong secret';

/** HTTP Basic: user = application id, password = the application's secret (empty when it needs none). */
@Injectable()
export class CmAuthGuard implements CanActivate {
  constructor(private readonly directory: ApplicationDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CmRequest>();
    const credentials = parseBasic(request.headers.authorization);
    if (!credentials || credentials.user === '') {
      throw CmError.unauthorized('Send the application id as the Basic auth user name');
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
