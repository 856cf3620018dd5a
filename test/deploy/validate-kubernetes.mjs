// Validates Kubernetes objects against the API's schemas (the kubernetes-models package, an ES module Jest's
// CommonJS runtime cannot load, hence this script). Reads a JSON array of objects on stdin, prints a JSON array of
// { kind, name, errors } (errors empty when the object is valid) on stdout.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  // core/v1 lives at kubernetes-models/v1, every group at kubernetes-models/<group>/<version>.
  const module = `kubernetes-models/${apiVersion}/${kind}`;
  let Model;
  try {
    Model = (await import(module))[kind];
  } catch {
    results.push({ kind, name, errors: [`no schema for ${apiVersion} ${kind}`] });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ kind, name, errors: [] });
  } catch (error) {
    const details = Array.isArray(error.errors)
      ? error.errors.map(
          (e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`,
        )
      : [String(error.message ?? error)];
    results.push({ kind, name, errors: details });
  }
}
process.stdout.write(JSON.stringify(results));
