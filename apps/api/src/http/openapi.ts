import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, COOKIE_SCHEME, SESSION_COOKIE } from '@cm/identity';
/** The version in the root package.json (found upwards from here: works from the sources and from dist/). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'concurrency-monitor' && pkg.version) return pkg.version;
    }
    if (dir === path.dirname(dir)) return '0.0.0';
  }
}

/** Recursively sorts object keys, so the committed document diffs cleanly. Arrays keep their order. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  ) as T;
}

/**
 * The OpenAPI document of the management API (/api/v1): what /api/docs-json serves and `npm run openapi` commits
 * to libs/contracts/openapi.json. The CM v2 player API has its own contract (README, DESIGN §2).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Concurrency Monitor')
    .setDescription(
      'Management API: tenants, applications, policies, live usage, operators, API tokens and the audit log. ' +
        'Sign in with POST /api/v1/auth/login (sets the httpOnly cm_session cookie) or send an API token as ' +
        '`Authorization: Bearer cmt_…`. Errors are RFC 9457 application/problem+json.',
    )
    .setVersion(packageVersion())
    .addCookieAuth(
      SESSION_COOKIE,
      { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/v1/auth/login' },
      COOKIE_SCHEME,
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token (POST /api/v1/tokens), `cmt_…`' }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/v1')));
  return sortKeys(document);
}
