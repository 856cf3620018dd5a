import type { ServerResponse } from 'node:http';

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

/**
 * Sends a CmReply: its headers (exact casing) on the response, plus `Cache-Control: no-store`, and its body as what
 * the handler returns. A plain function rather than an interceptor: the player API's hot routes skip the
 * interceptor chain (and its Observables) altogether.
 */
export function answer<T>(response: unknown, reply: CmReply<T>): T | undefined {
  setExactHeader(response, 'Cache-Control', 'no-store');
  for (const name in reply.headers) setExactHeader(response, name, reply.headers[name]);
  return reply.body;
}
