import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A configuration file that could not be read or parsed; the message names the file (and the line). */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** A parsed configuration file (YAML, or JSON — a subset of YAML 1.2), able to say where a field is. */
export interface ConfigFile {
  /** As the user named it. */
  name: string;
  value: unknown;
  /** `name:line:column` of the field (`tenants[0].policies[1].rules[0].limit`), or of its nearest present parent. */
  locate: (field: string) => string;
}

/** `tenants[0].rules[1].limit` → ['tenants', 0, 'rules', 1, 'limit']. */
export function fieldPath(field: string): Array<string | number> {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

export async function readConfigFile(name: string, cwd: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, name), 'utf8');
  } catch (error) {
    throw new ConfigFileError(`${name}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const [problem] = doc.errors;
  if (problem) {
    const at = problem.linePos?.[0];
    throw new ConfigFileError(`${name}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML or JSON: ${problem.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigFileError(`${name}: ${(error as Error).message}`);
  }
  return {
    name,
    value,
    locate: (field) => {
      const offset = offsetOf(doc, fieldPath(field));
      if (offset === undefined) return name;
      const { line, col } = lines.linePos(offset);
      return `${name}:${line}:${col}`;
    },
  };
}

/** Where the field (or its nearest present parent) starts: a key where the path ends at a key. */
function offsetOf(doc: Document, segments: Array<string | number>): number | undefined {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

/**
 * Names the object a field belongs to, from the file's own values: `tenants[0].policies[1].rules[0].limit` →
 * `tenant "acme", policy "two-streams"` and the field `rules[0].limit`.
 */
export function describeField(value: unknown, field: string): { object: string; field: string } {
  const segments = fieldPath(field.replace(/^configuration\.?/, ''));
  const at = (v: unknown, key: string | number): unknown =>
    v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[key] : undefined;
  const label = (v: unknown, key: string, index: number) => {
    const k = at(v, key);
    return typeof k === 'string' ? `"${k}"` : `#${index + 1}`;
  };
  const names: string[] = [];
  let rest = segments;
  if (segments[0] === 'tenants' && typeof segments[1] === 'number') {
    const tenant = at(at(value, 'tenants'), segments[1]);
    names.push(`tenant ${label(tenant, 'slug', segments[1])}`);
    rest = segments.slice(2);
    const [kind, index] = rest;
    if ((kind === 'applications' || kind === 'policies') && typeof index === 'number') {
      const object = at(at(tenant, kind), index);
      names.push(kind === 'applications' ? `application ${label(object, 'id', index)}` : `policy ${label(object, 'name', index)}`);
      rest = rest.slice(2);
    }
  }
  const text = rest.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  return { object: names.join(', ') || 'the file', field: text };
}
