import {
  ATTRIBUTE_NAME_PATTERN,
  CLAIM_PREFIX,
  IMMUTABLE_METADATA_KEYS,
  MAX_METADATA_BYTES,
  MAX_METADATA_KEYS,
  MAX_METADATA_VALUE_LENGTH,
  type Metadata,
  NETWORK_PREFIX,
} from '@cm/contracts';
import { CmError, CmErrorCode } from './sessions.errors';

const invalid = (message: string) => new CmError(CmErrorCode.INVALID_METADATA, message);

function addEntries(target: Metadata, source: unknown, where: string): void {
  if (source === undefined || source === null || source === '') return;
  if (typeof source !== 'object' || Array.isArray(source) || Buffer.isBuffer(source)) {
    throw invalid(`The ${where} must be key=value pairs`);
  }
  for (const [key, raw] of Object.entries(source as Record<string, unknown>)) {
    if (!ATTRIBUTE_NAME_PATTERN.test(key)) {
      throw invalid(`Metadata key "${key.slice(0, 80)}" is invalid: keys are 1-64 characters of A-Z a-z 0-9 _ . -`);
    }
    if (key.startsWith(CLAIM_PREFIX)) {
      throw invalid(`Metadata key "${key}" is reserved: "${CLAIM_PREFIX}*" attributes come from the entitlement token (X-CM-Entitlement)`);
    }
    if (key.startsWith(NETWORK_PREFIX)) {
      throw invalid(`Metadata key "${key}" is reserved: "${NETWORK_PREFIX}*" attributes come from the client's address, not the player`);
    }
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (values.length !== 1) throw invalid(`Metadata key "${key}" is given more than once`);
    const value: unknown = values[0];
    if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalid(`Metadata key "${key}" must have a text value`);
    }
    const text = value === null || value === undefined ? '' : String(value);
    if (text.length > MAX_METADATA_VALUE_LENGTH) {
      throw invalid(`Metadata key "${key}" has a value longer than ${MAX_METADATA_VALUE_LENGTH} characters`);
    }
    if (key in target && target[key] !== text) throw invalid(`Metadata key "${key}" is given twice with different values`);
    target[key] = text;
  }
}

/**
 * Metadata from the query string and the (form or JSON) body, validated per DESIGN §2. Text PostgreSQL cannot store
 * (NUL, lone surrogates) never reaches it: the global validation pipe refuses it in every parameter, naming the field.
 */
export function parseMetadata(query: unknown, body: unknown): Metadata {
  const metadata: Metadata = Object.create(null) as Metadata;
  addEntries(metadata, query, 'query string');
  addEntries(metadata, body, 'request body');
  if (Object.keys(metadata).length > MAX_METADATA_KEYS) {
    throw invalid(`At most ${MAX_METADATA_KEYS} metadata keys are allowed`);
  }
  checkSize(metadata);
  return { ...metadata };
}

/** Keys and values together stay within MAX_METADATA_BYTES (UTF-8), so one session cannot hold much memory. */
function checkSize(metadata: Metadata): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(metadata)) bytes += key.length + Buffer.byteLength(value);
  if (bytes > MAX_METADATA_BYTES) {
    throw invalid(`The metadata keys and values together are ${bytes} bytes; at most ${MAX_METADATA_BYTES} are allowed`);
  }
}

/** A heartbeat may add keys but not change the identifying ones once set. */
export function mergeHeartbeatMetadata(current: Metadata, update: Metadata): { merged: Metadata; added: boolean } {
  let added = false;
  for (const [key, value] of Object.entries(update)) {
    if (key in current) {
      if (current[key] !== value && IMMUTABLE_METADATA_KEYS.includes(key)) {
        throw invalid(`Metadata key "${key}" cannot change during a session (was "${current[key]}")`);
      }
      if (current[key] !== value) added = true;
    } else {
      added = true;
    }
  }
  const merged = { ...current, ...update };
  // The server's own attributes (network.*) do not use up the player's keys.
  if (Object.keys(merged).filter((key) => !key.startsWith(NETWORK_PREFIX)).length > MAX_METADATA_KEYS)
    throw invalid(`At most ${MAX_METADATA_KEYS} metadata keys are allowed`);
  checkSize(merged);
  return { merged, added };
}

const MAX_ACCOUNT_PART_LENGTH = 256;

/** idp and subject: 1-256 characters, no control characters. */
export function checkAccountPart(name: 'idp' | 'subject', value: string): string {
  if (value.length === 0 || value.length > MAX_ACCOUNT_PART_LENGTH) {
    throw invalid(`The ${name} must be 1-${MAX_ACCOUNT_PART_LENGTH} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(`The ${name} must not contain control characters`);
  return value;
}
