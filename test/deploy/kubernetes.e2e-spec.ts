import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * deploy/kubernetes: every overlay renders (`kubectl kustomize`), every object validates against the Kubernetes
 * API's schemas (kubernetes-models), and the Deployment has what running it in production needs.
 */
const ROOT = join(__dirname, '..', '..');
const OVERLAYS = ['single', 'scale'] as const;

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

function render(overlay: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/kubernetes/overlays', overlay)], { encoding: 'utf8' });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('kubectl is needed to render the manifests (Debian: apt-get install kubernetes-client)');
    throw new Error(`kubectl kustomize overlays/${overlay} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

function validate(objects: K8sObject[]): { kind: string; name: string; errors: string[] }[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-kubernetes.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { kind: string; name: string; errors: string[] }[];
}

describe.each(OVERLAYS)('Kubernetes overlay %s', (overlay) => {
  const objects = render(overlay);
  const one = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('renders objects that the Kubernetes schemas accept', () => {
    const results = validate(objects);
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(results.map((r) => r.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
        ...(overlay === 'scale' ? ['HorizontalPodAutoscaler'] : []),
      ].sort(),
    );
  });

  it('runs the api with probes, resources, a non-root user on a read-only root file system and seccomp', () => {
    const pod = one('Deployment').spec.template.spec;
    const [api] = pod.containers;
    expect(api.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(api.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(api.startupProbe.httpGet).toMatchObject({ path: '/healthz' });
    expect(api.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(api.resources.limits.memory).toEqual(expect.any(String));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(api.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
    expect(api.ports.map((p: { name: string }) => p.name).sort()).toEqual(['http', 'metrics']);
  });

  it('takes the configuration from its ConfigMap and the secrets from the Secret, in production mode', () => {
    const deployment = one('Deployment');
    const config = one('ConfigMap');
    const [api] = deployment.spec.template.spec.containers;
    expect(api.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
    expect(config.data).toMatchObject({ CM_ENV: 'production', CM_SESSION_STORE: overlay === 'scale' ? 'redis' : 'postgres' });
    const secrets = Object.fromEntries(
      (api.env as { name: string; valueFrom: { secretKeyRef: { name: string; optional?: boolean } } }[]).map((e) => [
        e.name,
        e.valueFrom.secretKeyRef,
      ]),
    );
    expect(secrets.DATABASE_URL).toEqual({ name: 'concurrency-monitor', key: 'DATABASE_URL' });
    if (overlay === 'scale') expect(secrets.CM_REDIS_URL).toMatchObject({ key: 'CM_REDIS_URL', optional: true });
  });

  it('has a PodDisruptionBudget, and (scale) a HorizontalPodAutoscaler on CPU that owns the replica count', () => {
    const deployment = one('Deployment');
    const selector = deployment.spec.selector.matchLabels;
    expect(one('PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: selector } });
    expect(one('Service').spec.selector).toEqual(selector);
    expect(one('NetworkPolicy').spec.podSelector.matchLabels).toEqual(selector);
    if (overlay === 'single') {
      expect(deployment.spec.replicas).toBe(1);
      return;
    }
    const hpa = one('HorizontalPodAutoscaler').spec;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) } },
    ]);
  });

  it('lets the pods out only to DNS, PostgreSQL and (scale) Redis', () => {
    const egressPorts = one('NetworkPolicy')
      .spec.egress.flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port))
      .sort();
    expect(egressPorts).toEqual(overlay === 'scale' ? [53, 53, 5432, 6379] : [53, 53, 5432]);
  });
});
