import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { player, startTestApp, type TestApp } from '../support/app';

/**
 * deploy/ ships Prometheus alert rules and a Grafana dashboard: every metric they name must be one a running server
 * exports, or the alerts never fire and the panels stay empty after a rename.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const RULES = path.join(ROOT, 'deploy/prometheus/concurrency-monitor.rules.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/concurrency-monitor.json');

/** Series Prometheus makes itself (not exported by the target). */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** PromQL words that look like identifiers but are not metrics. */
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The `expr:` of each rule: one line, or the indented block after `expr: |`. */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    if (match[2] !== '|' && match[2] !== '>') {
      out.push(match[2]);
      return;
    }
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && (lines[j].trim() === '' || lines[j].search(/\S/) > match[1].length); j++) block.push(lines[j]);
    out.push(block.join('\n'));
  });
  return out;
}

function dashboardExpressions(json: string): string[] {
  const dashboard = JSON.parse(json) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query?: { query: string } }[] };
  };
  return [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.flatMap((v) => (v.query ? [v.query.query.replace(/^label_values\((.*), *\w+\)$/, '$1')] : [])),
  ];
}

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, label names or strings. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\$\w+/g, ''); // Grafana variables
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)]
    .filter((m) => !m[2] && !PROMQL_WORDS.has(m[1].toLowerCase()) && !/^\d/.test(m[1]))
    .map((m) => m[1]);
}

/** Whether the exposition text has the metric: its TYPE line, or (histograms) the family the suffix belongs to. */
function exported(text: string, name: string): boolean {
  if (new RegExp(`^# TYPE ${name} `, 'm').test(text)) return true;
  const family = /^(.*)_(bucket|count|sum)$/.exec(name)?.[1];
  return family !== undefined && new RegExp(`^# TYPE ${family} (histogram|summary)$`, 'm').test(text);
}

describe('deploy/: Prometheus rules and the Grafana dashboard', () => {
  let t: TestApp;
  let text: string;

  beforeAll(async () => {
    t = await startTestApp();
    const p = player(t.url, 'demo-app');
    expect((await p.init('idp', 'deploy-monitoring', { channel: 'news' })).status).toBe(202);
    text = await (await fetch(`${t.url}/metrics`)).text();
  });
  afterAll(() => t?.close());

  const rules = ruleExpressions(readFileSync(RULES, 'utf8'));
  const panels = dashboardExpressions(readFileSync(DASHBOARD, 'utf8'));

  it('finds the expressions (the extraction itself works)', () => {
    expect(rules.length).toBeGreaterThanOrEqual(8);
    expect(panels.length).toBeGreaterThanOrEqual(14);
    expect(metricNames('sum by (le) (rate(x_bucket{route=~"/v2/.*"}[5m])) / up == 0')).toEqual(['x_bucket', 'up']);
  });

  it.each([
    ['the alert rules', rules],
    ['the dashboard', panels],
  ])('every metric %s name is exported by a running server', (_, expressions) => {
    const names = [...new Set(expressions.flatMap(metricNames))].filter((name) => !PROMETHEUS_SERIES.has(name));
    expect(names.length).toBeGreaterThan(3);
    const missing = names.filter((name) => !exported(text, name));
    expect(missing).toEqual([]);
  });

  it('the route the proxies stream unbuffered is the live usage SSE route', async () => {
    expect((await fetch(`${t.url}/api/v1/usage/stream`)).status).toBe(401);
  });

  // promtool validates the rules in CI (.ci/run); the dashboard's queries are checked the same way, as recording rules.
  const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
  (promtool ? it : it.skip)('every dashboard query is valid PromQL (promtool)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yml');
      const grafana = (e: string) =>
        e
          .replace(/\$__rate_interval/g, '1m')
          .replace(/\$instance/g, '.*')
          .replace(/\$job/g, 'concurrency-monitor');
      const recording = panels.map((e, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(grafana(e))}`);
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${recording.join('\n')}\n`);
      expect(execFileSync(promtool!, ['check', 'rules', file], { encoding: 'utf8' })).toContain(`SUCCESS: ${panels.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/: service and proxy examples agree with the server', () => {
  const read = (file: string) => readFileSync(path.join(ROOT, 'deploy', file), 'utf8');
  const startProd = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
    'start:prod'
  ];

  it('the systemd unit runs what npm run start:prod runs, in production mode', () => {
    const unit = read('concurrency-monitor.service');
    const main = /node --enable-source-maps (\S+)$/.exec(startProd)![1];
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/node --enable-source-maps ${main}$`, 'm'));
    expect(unit).toMatch(/^Environment=NODE_ENV=production$/m);
    // The proxy on the same host is trusted for the client address (sign-in limits, logs).
    expect(unit).toMatch(/^Environment=CM_TRUST_PROXY=loopback$/m);
    expect(existsSync(path.join(ROOT, 'apps/api/src/main.ts'))).toBe(true);
  });

  it('both proxies stream the SSE route unbuffered, hide /metrics and forward the client address', () => {
    const nginx = read('nginx.conf');
    expect(nginx).toMatch(/location = \/api\/v1\/usage\/stream \{[^}]*proxy_buffering off;/);
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(nginx).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
    expect(nginx).toMatch(/location = \/metrics \{\s*return 404;/);
    const caddy = read('Caddyfile');
    expect(caddy).toMatch(/reverse_proxy \/api\/v1\/usage\/stream 127\.0\.0\.1:3000 \{\s*flush_interval -1/);
    expect(caddy).toContain('respond /metrics 404');
  });
});
