import createClient from 'openapi-fetch';
import type { components, paths } from '@cm/api-types';
import { UsageError } from '../command';

export type ApplyResult = components['schemas']['ConfigurationApplyResultDto'];
export type ApplyRequest = components['schemas']['ApplyConfigurationDto'];
export type ConfigurationDocument = components['schemas']['ConfigurationDto'];

/** A problem+json answer (RFC 9457) as the server sends it. */
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** The server answered an error, or could not be reached (status 0). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `the server answered ${status}`);
    this.name = 'ApiFailure';
  }
}

export interface ServerOptions {
  server: string;
  token: string;
}

/** `--server`/`--token`, else CM_SERVER_URL/CM_API_TOKEN. */
export function serverOptions(values: { server?: string; token?: string }, env: Record<string, string | undefined>): ServerOptions {
  const server = values.server ?? env.CM_SERVER_URL;
  const token = values.token ?? env.CM_API_TOKEN;
  if (!server) throw new UsageError('name the server: --server URL or CM_SERVER_URL (e.g. http://localhost:3000)');
  if (!token) throw new UsageError('give an API token: --token TOKEN or CM_API_TOKEN (create one in the console, under API tokens)');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`"${server}" is not a URL (e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`"${server}" must be an http or https URL`);
  return { server: url.toString().replace(/\/+$/, ''), token };
}

/** The management API's configuration endpoints, through the client typed from the committed OpenAPI document. */
export class ConfigurationApi {
  private readonly client;

  constructor(readonly options: ServerOptions) {
    this.client = createClient<paths>({ baseUrl: options.server, headers: { authorization: `Bearer ${options.token}` } });
  }

  export(tenant?: string): Promise<ConfigurationDocument> {
    return this.unwrap(this.client.GET('/api/v1/configuration', { params: { query: tenant === undefined ? {} : { tenant } } }));
  }

  apply(body: ApplyRequest): Promise<ApplyResult> {
    return this.unwrap(this.client.POST('/api/v1/configuration/apply', { body }));
  }

  private async unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await call;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiFailure(0, {
        detail: `cannot reach ${this.options.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      });
    }
    const { response } = result;
    if (response.ok) return result.data as T;
    const problem: Problem =
      result.error && typeof result.error === 'object'
        ? result.error
        : { detail: typeof result.error === 'string' && result.error ? result.error : `the server answered ${response.status}` };
    throw new ApiFailure(response.status, problem);
  }
}
