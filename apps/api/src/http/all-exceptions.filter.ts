import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '@cm/contracts';
import { isConnectionFailure, SessionStoreUnavailableError, setExactHeader } from '@cm/sessions';
import { problem, type Problem } from './problem';

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** JSON body, or undefined for an empty body. */
  body: unknown;
  contentType?: string;
}

/** The one place where errors become HTTP answers: CM advice bodies on /v2, problem+json elsewhere. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const adapter = this.adapterHost.httpAdapter;
    const request: unknown = ctx.getRequest();
    const response: unknown = ctx.getResponse();
    const answer = this.toAnswer(exception, String(adapter.getRequestUrl(request) ?? ''));
    // Exact casing (Retry-After, Expires, Date, WWW-Authenticate): some players look names up case-sensitively.
    setExactHeader(response, 'Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(answer.headers)) setExactHeader(response, name, value);
    if (answer.body === undefined) {
      adapter.reply(response, undefined, answer.status);
      return;
    }
    adapter.setHeader(response, 'Content-Type', answer.contentType ?? 'application/problem+json');
    adapter.reply(response, answer.body, answer.status);
  }

  private toAnswer(exception: unknown, url: string): Answer {
    if (exception instanceof DomainError) return this.fromDomain(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(detail) ? detail.join('; ') : typeof detail === 'string' ? detail : exception.message;
      // Request validation (http/validation.ts) names each bad field.
      const errors = typeof response === 'object' ? (response as { errors?: unknown }).errors : undefined;
      return this.problem(status, message, Array.isArray(errors) ? { errors: errors as Problem['errors'] } : {});
    }
    if (exception instanceof SessionStoreUnavailableError || isConnectionFailure(exception)) {
      this.logger.warn(`database unavailable on ${url}: ${(exception as Error).message}`);
      return { ...this.problem(503, 'The service is temporarily unavailable; retry shortly'), headers: { 'Retry-After': '5' } };
    }
    const errorId = randomUUID();
    this.logger.error(`unhandled error ${errorId} on ${url}`, exception instanceof Error ? exception.stack : String(exception));
    return this.problem(500, 'Internal server error', { errorId });
  }

  /**
   * Every library's typed error, by its members alone: an exact body (CM v2 advice; `null` for an empty one), or
   * problem+json with the code, the fields at fault and any extra members.
   */
  private fromDomain(error: DomainError): Answer {
    const { status, headers } = error;
    if (error.body === null) return { status, headers, body: undefined };
    if (error.body !== undefined) return { status, headers, body: error.body, contentType: 'application/json' };
    const extra = { code: error.code, ...(error.errors.length > 0 ? { errors: error.errors } : {}), ...error.details };
    return { ...this.problem(status, error.message, extra), headers };
  }

  private problem(status: number, detail: string, extra: Omit<Problem, 'type' | 'title' | 'status' | 'detail'> = {}): Answer {
    return { status, headers: {}, body: problem(status, detail, extra) };
  }
}
