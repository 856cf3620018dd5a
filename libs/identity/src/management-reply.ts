import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';

/** A management answer that also sets headers (e.g. Set-Cookie): the controller stays adapter-agnostic. */
export class WithHeaders<T = unknown> {
  constructor(
    readonly body: T,
    readonly headers: Record<string, string>,
  ) {}
}

/**
 * RFC 4180 CSV with a header row of `columns` and one line per row (null: an empty cell). A text cell a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
 */
export function csvText<C extends string>(columns: readonly C[], rows: Iterable<Record<C, string | number | null>>): string {
  const cell = (value: string | number | null): string => {
    if (value === null) return '';
    let s = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A CSV download: `text/csv` named `filename` (usage history, sharing accounts). */
export function csvReply(body: string, filename: string): WithHeaders<string> {
  return new WithHeaders(body, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"` });
}

/** `Cache-Control: no-store` on every management answer, plus the headers of a WithHeaders result. */
@Injectable()
export class ManagementReplyInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    return next.handle().pipe(
      map((result: unknown) => {
        // A streaming route (SSE) emits many values; its headers went out with the first one.
        if (adapter.isHeadersSent(response)) return result;
        adapter.setHeader(response, 'Cache-Control', 'no-store');
        if (!(result instanceof WithHeaders)) return result;
        const reply: WithHeaders = result;
        for (const [name, value] of Object.entries(reply.headers)) adapter.setHeader(response, name, value);
        return reply.body;
      }),
    );
  }
}
