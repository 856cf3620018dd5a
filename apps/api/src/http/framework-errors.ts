import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/** The part of a Fastify request and reply this module touches. */
interface FastifyRequestLike {
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Where a framework error goes: the app's exception filter (`AllExceptionsFilter.catch`). */
type Catcher = (exception: unknown, host: ArgumentsHost) => void;

/** The first path segment that does not decode, as Express names it ("Failed to decode param '%ff'"). */
function undecodable(url: string): string {
  const path = url.split('?')[0] ?? url;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return path;
}

/**
 * Fastify answers a URL its router cannot decode (`/v2/sessions/%ff/x`) itself, in its own JSON shape, before any
 * hook or Nest code runs (its `frameworkErrors` option is the only way in). This turns those errors into the
 * exception Express raises for the same URL and hands them to the app's exception filter, so both adapters answer
 * alike: problem+json 400 with `Cache-Control: no-store`, CORS on /v2. Bound to the filter once the app exists.
 */
export class FastifyFrameworkErrors {
  private catcher?: Catcher;

  constructor(private readonly corsHeaders: (url: string, origin: string | undefined) => Record<string, string>) {}

  bind(catcher: Catcher): void {
    this.catcher = catcher;
  }

  readonly handle = (error: Error & { code?: string; statusCode?: number }, request: FastifyRequestLike, reply: unknown): void => {
    const exception =
      error.code === 'FST_ERR_BAD_URL'
        ? new BadRequestException(`Failed to decode param '${undecodable(request.url)}'`)
        : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new HttpException('A path segment is longer than 1024 characters', HttpStatus.URI_TOO_LONG)
          : new HttpException(error.message, error.statusCode ?? HttpStatus.BAD_REQUEST);
    // Fastify's CORS hook did not run for this request: the browser needs these to read the answer.
    const origin = request.headers.origin;
    const node = (reply as { raw: { setHeader(name: string, value: string): void } }).raw;
    for (const [name, value] of Object.entries(this.corsHeaders(request.url, typeof origin === 'string' ? origin : undefined))) {
      node.setHeader(name, value);
    }
    const host = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply, getNext: () => undefined }),
      getArgs: () => [request, reply],
      getArgByIndex: (i: number) => [request, reply][i],
      getType: () => 'http',
    } as unknown as ArgumentsHost;
    if (this.catcher) this.catcher(exception, host);
    else (reply as { code(n: number): { send(): void } }).code(exception.getStatus()).send();
  };
}
