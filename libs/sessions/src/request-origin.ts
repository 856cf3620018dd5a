import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** A Host header worth echoing: a name or an IP literal with an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The origin the player called (`http(s)://host[:port]`), both adapters alike: the issuer of playback tokens
 * when CM_PUBLIC_URL is not set. No proxy header is trusted for it.
 */
export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ protocol?: string; headers: Record<string, string | string[] | undefined> }>();
  const host = request.headers.host;
  const protocol = request.protocol === 'https' ? 'https' : 'http';
  return `${protocol}://${typeof host === 'string' && HOST.test(host) ? host : 'localhost'}`;
});
