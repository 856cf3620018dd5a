import type { ServerResponse } from 'node:http';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

/** A CM success answer: the body plus headers that depend on the outcome (Location, Expires...). */
export class CmReply<T = unknown> {
  constructor(
    readonly body: T | undefined,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * Sets a header with exactly this name's casing on either adapter. HTTP header names are case-insensitive, but older
 * iOS players look `Location`, `Expires` and `Retry-After` up case-sensitively, as Adobe's service sends them.
 * Fastify's `reply.header()` lower-cases names, so the header goes on the Node response underneath (`reply.raw`),
 * whose `setHeader` keeps the casing and which Fastify merges when it writes the head; Express's response is that
 * Node response already. Not for `Content-Type`/`Content-Length`, which the adapter must know about.
 */
export function setExactHeader(response: unknown, name: string, value: string): void {
  const node = (response as { raw?: ServerResponse }).raw ?? (response as ServerResponse);
  node.setHeader(name, value);
}

/** Applies a CmReply's headers (exact casing), so the controller stays adapter-agnostic. */
@Injectable()
export class CmReplyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    return next.handle().pipe(
      map((result: unknown) => {
        setExactHeader(response, 'Cache-Control', 'no-store');
        if (!(result instanceof CmReply)) return result;
        const reply: CmReply = result;
        for (const [name, value] of Object.entries(reply.headers)) setExactHeader(response, name, value);
        return reply.body;
      }),
    );
  }
}
