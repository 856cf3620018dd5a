import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Each library owns its tables (docs/architecture.md): only its own data-access files name them in SQL or touch the
 * database at all; every other library goes through its exported services or ports. The compiler cannot see SQL, so
 * this test reads it: every string and template literal of every library's code, and every import of the database
 * packages.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Which library owns each table (the migrations create them; apps/api is the composition root and owns none). */
const OWNER: Record<string, string> = {
  tenants: 'tenants',
  applications: 'tenants',
  config_epoch: 'tenants',
  policies: 'policies',
  policy_versions: 'policies',
  policy_shares: 'policies',
  application_policies: 'policies',
  sessions: 'sessions',
  operators: 'identity',
  operator_sessions: 'identity',
  api_tokens: 'identity',
  login_failures: 'identity',
  audit_log: 'identity',
  usage_buckets: 'usage',
  usage_recent: 'usage',
  decisions: 'usage',
  signing_keys: 'playback-tokens',
  devices: 'households',
  device_removals: 'households',
  account_networks: 'households',
  home_networks: 'households',
  sharing_starts: 'sharing',
  sharing_scores: 'sharing',
  sharing_reviews: 'sharing',
};

/**
 * The files of each library that touch the database (TypeORM's DataSource/EntityManager/repositories, or pg). A new
 * file that needs the database belongs in this list only after a review: it is the library's private data access.
 */
const DATA_ACCESS: Record<string, string[]> = {
  tenants: [
    'tenants.service.ts',
    'applications.service.ts',
    'tenants-admin.service.ts',
    'config-epoch.service.ts',
    'transactions.ts',
    'tenant.entity.ts',
    'application.entity.ts',
    'config-epoch.entity.ts',
  ],
  policies: [
    'policies.service.ts',
    'policies-admin.service.ts',
    'policy.entity.ts',
    'policy-version.entity.ts',
    'policy-share.entity.ts',
    'application-policy.entity.ts',
  ],
  sessions: ['postgres/postgres-session.store.ts', 'postgres/postgres-session-records.ts', 'postgres/pg-sessions.ts', 'session.entity.ts'],
  identity: [
    'operators.service.ts',
    'auth.service.ts',
    'authenticator.ts',
    'tokens.service.ts',
    'login-throttle.ts',
    'audit-log.service.ts',
    'audit.service.ts',
    'first-operator.ts',
    'operator.entity.ts',
    'operator-session.entity.ts',
    'api-token.entity.ts',
    'login-attempt.entity.ts',
    'audit-entry.entity.ts',
  ],
  usage: ['usage.repository.ts', 'decisions.repository.ts', 'usage-bucket.entity.ts', 'usage-recent.entity.ts', 'decision.entity.ts'],
  'playback-tokens': ['signing-keys.repository.ts', 'signing-key.entity.ts'],
  configuration: ['usecases/apply-configuration.usecase.ts'],
  households: ['households.repository.ts', 'households.entities.ts'],
  sharing: ['sharing.repository.ts', 'sharing.entities.ts'],
};

const DATABASE_MODULES = new Set(['typeorm', '@nestjs/typeorm', 'pg']);
const SQL_TABLE = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.(spec|d)\.ts$/.test(name) ? [full] : [];
  });
}

/** The text of every string and template literal, and every module the file imports. */
function scan(file: string): { literals: string[]; imports: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const literals: string[] = [];
  const imports: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // Type-only imports (a type of pg or typeorm in a signature) do not touch the database.
      if (!node.importClause?.isTypeOnly) imports.push(node.moduleSpecifier.text);
      return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.push(node.text);
    if (ts.isTemplateExpression(node)) literals.push([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? '));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { literals, imports };
}

const LIBRARIES = readdirSync(path.join(ROOT, 'libs')).filter((name) => statSync(path.join(ROOT, 'libs', name, 'src')).isDirectory());

describe('data ownership', () => {
  it.each(LIBRARIES)('libs/%s names no other library’s table in SQL', (library) => {
    const foreign: string[] = [];
    const dir = path.join(ROOT, 'libs', library, 'src');
    for (const file of sourceFiles(dir)) {
      for (const literal of scan(file).literals) {
        for (const [, table] of literal.matchAll(SQL_TABLE)) {
          const owner = OWNER[table.toLowerCase()];
          if (owner && owner !== library) foreign.push(`${path.relative(ROOT, file)}: ${table} (owned by libs/${owner})`);
        }
      }
    }
    expect(foreign).toEqual([]);
  });

  it.each(LIBRARIES)('libs/%s touches the database only in its data-access files', (library) => {
    const allowed = new Set(DATA_ACCESS[library] ?? []);
    const dir = path.join(ROOT, 'libs', library, 'src');
    const offending = sourceFiles(dir)
      .filter((file) => scan(file).imports.some((m) => DATABASE_MODULES.has(m)))
      .map((file) => path.relative(dir, file))
      .filter((file) => !allowed.has(file));
    expect(offending).toEqual([]);
  });

  it('knows every table the migrations create', () => {
    const migrations = readdirSync(path.join(ROOT, 'apps/api/src/database/migrations')).map((f) =>
      readFileSync(path.join(ROOT, 'apps/api/src/database/migrations', f), 'utf8'),
    );
    const created = new Set(
      migrations.flatMap((text) => [...text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)"?/g)].map((m) => m[1])),
    );
    expect([...created].filter((t) => t !== 'migrations' && !(t in OWNER))).toEqual([]);
  });
});
