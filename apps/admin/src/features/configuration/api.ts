import { parse, stringify } from 'yaml';
import { api, type Schemas, unwrap } from '../../api/client';

export type ConfigurationFile = Schemas['ConfigurationDto'];
export type ApplyResult = Schemas['ConfigurationApplyResultDto'];
export type TenantPlan = Schemas['TenantPlanDto'];

export const configurationApi = {
  /** The tenants this operator can see, as a configuration file states them (secrets are never in it). */
  export: () => unwrap(api.GET('/api/v1/configuration')),
  /** A plan (`dryRun`) or an apply; an apply names the versions its plan was made against, so nothing changed between. */
  apply: (body: Schemas['ApplyConfigurationDto']) => unwrap(api.POST('/api/v1/configuration/apply', { body })),
};

/** The file `cm config export` writes: YAML, the same text for the same configuration. */
export const toYaml = (file: ConfigurationFile): string => stringify(file, { lineWidth: 0 });

/** A configuration file's text (YAML, or JSON, which YAML reads too) → its document; throws a sentence when unreadable. */
export function readConfigurationText(text: string): ConfigurationFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`This file is not YAML or JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!document || typeof document !== 'object' || !Array.isArray((document as { tenants?: unknown }).tenants)) {
    throw new Error('This is not a configuration file: it has no list of tenants (export one to see the format)');
  }
  return document as ConfigurationFile;
}
