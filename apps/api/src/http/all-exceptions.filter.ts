import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CONFIGURATION_ERROR_STATUS, ConfigurationError } from '@cm/configuration';
import { IDENTITY_ERROR_STATUS, IdentityError } from '@cm/identity';
import { PoliciesError, PoliciesErrorCode } from '@cm/policies';
import {
  ACCOUNTS_ERROR_STATUS,
  AccountsError,
  CM_ERROR_STATUS,
  CmError,
  CmErrorCode,
  isConnectionFailure,
  SessionStoreUnavailableError,
  setExactHeader,
} from '@cm/sessions';
import { TenantsError, TenantsErrorCode } from '@cm/tenants';
import { UsageError, UsageErrorCode } from '@cm/usage';
import { problem, type Problem } from './problem';

const TENANTS_STATUS: Record<TenantsErrorCode, number> = {
  [TenantsErrorCode.TENANT_NOT_FOUND]: 404,
  [TenantsErrorCode.APPLICATION_NOT_FOUND]: 404,
  [TenantsErrorCode.TENANT_SLUG_TAKEN]: 409,
  [TenantsErrorCode.APPLICATION_ID_TAKEN]: 409,
  [TenantsErrorCode.INVALID_TENANT]: 400,
  [TenantsErrorCode.INVALID_APPLICATION]: 400,
  [TenantsErrorCode.TENANT_NOT_EMPTY]: 409,
};

const POLICIES_STATUS: Record<PoliciesErrorCode, number> = {
  [PoliciesErrorCode.POLICY_NOT_FOUND]: 404,
  [PoliciesErrorCode.POLICY_NAME_TAKEN]: 409,
  [PoliciesErrorCode.INVALID_RULES]: 400,
  [PoliciesErrorCode.POLICY_NOT_AVAILABLE]: 404,
  [PoliciesErrorCode.POLICY_IN_USE]: 409,
  [PoliciesErrorCode.TENANT_HAS_POLICIES]: 409,
  [PoliciesErrorCode.TENANT_NOT_FOUND]: 404,
  [PoliciesErrorCode.INVALID_REQUEST]: 400,
};

const USAGE_STATUS: Record<UsageErrorCode, number> = {
  [UsageErrorCode.INVALID_QUERY]: 400,
  [UsageErrorCode.RANGE_TOO_LARGE]: 400,
  [UsageErrorCode.APPLICATION_NOT_FOUND]: 404,
};

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
    if (exception instanceof CmError) return this.fromCm(exception);
    if (exception instanceof TenantsError) {
      const status = TENANTS_STATUS[exception.code];
      return this.problem(status, exception.message, {
        code: exception.code,
        ...(exception.field ? { errors: [{ field: exception.field, message: exception.message }] } : {}),
      });
    }
    if (exception instanceof IdentityError) {
      return {
        ...this.problem(IDENTITY_ERROR_STATUS[exception.code], exception.message, {
          code: exception.code,
          ...(exception.field ? { errors: [{ field: exception.field, message: exception.message }] } : {}),
        }),
        headers: exception.headers,
      };
    }
    if (exception instanceof PoliciesError) {
      return this.problem(POLICIES_STATUS[exception.code], exception.message, {
        code: exception.code,
        ...(exception.errors.length ? { errors: exception.errors } : {}),
      });
    }
    if (exception instanceof ConfigurationError) {
      return this.problem(CONFIGURATION_ERROR_STATUS[exception.code], exception.message, {
        code: exception.code,
        ...(exception.errors.length ? { errors: exception.errors } : {}),
      });
    }
    if (exception instanceof AccountsError) {
      return this.problem(ACCOUNTS_ERROR_STATUS[exception.code], exception.message, {
        code: exception.code,
        ...(exception.field ? { errors: [{ field: exception.field, message: exception.message }] } : {}),
      });
    }
    if (exception instanceof UsageError) {
      return this.problem(USAGE_STATUS[exception.code], exception.message, {
        code: exception.code,
        ...(exception.errors.length ? { errors: exception.errors } : {}),
      });
    }
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

  private fromCm(error: CmError): Answer {
    const status = CM_ERROR_STATUS[error.code];
    if (error.body) return { status, headers: error.headers, body: error.body, contentType: 'application/json' };
    // Like the original service: 410 (ended), 404 (never issued) and 429 carry no body unless it is advice.
    if (error.code === CmErrorCode.GONE || error.code === CmErrorCode.UNKNOWN_SESSION || error.code === CmErrorCode.THROTTLED) {
      return { status, headers: error.headers, body: undefined };
    }
    return { ...this.problem(status, error.message, { code: error.code, ...error.details }), headers: error.headers };
  }

  private problem(status: number, detail: string, extra: Omit<Problem, 'type' | 'title' | 'status' | 'detail'> = {}): Answer {
    return { status, headers: {}, body: problem(status, detail, extra) };
  }
}
