import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { SharingCsv } from './sharing.service';

/** Sends a SharingCsv as `text/csv` (through the HTTP adapter, so the controller stays adapter-agnostic). */
@Injectable()
export class SharingCsvInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof SharingCsv)) return result;
        adapter.setHeader(response, 'Content-Type', 'text/csv; charset=utf-8');
        adapter.setHeader(response, 'Content-Disposition', `attachment; filename="${result.filename}"`);
        return result.body;
      }),
    );
  }
}
