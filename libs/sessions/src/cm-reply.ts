import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';

/** A CM success answer: the body plus headers that depend on the outcome (Location, Expires...). */
export class CmReply<T = unknown> {
  constructor(
    readonly body: T | undefined,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Applies a CmReply's headers through the HTTP adapter, so the controller stays adapter-agnostic. */
@Injectable()
export class CmReplyInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    return next.handle().pipe(
      map((result: unknown) => {
        adapter.setHeader(response, 'Cache-Control', 'no-store');
        if (!(result instanceof CmReply)) return result;
        const reply: CmReply = result;
        for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(response, name, value);
        return reply.body;
      }),
    );
  }
}
