import { Injectable } from '@nestjs/common';
import {
  ATTRIBUTE_NAME_PATTERN,
  CLAIM_NAME_PATTERN,
  CLAIM_PREFIX,
  MAX_METADATA_KEYS,
  MAX_METADATA_VALUE_LENGTH,
  type Metadata,
  type RegisteredDevice,
  UNKNOWN,
} from '@cm/contracts';
import { type Actor, canAccessTenant } from '@cm/identity';
import { validateRules } from '@cm/policy-engine';
import { ApplicationsService } from '@cm/tenants';
import { v7 as uuidv7 } from 'uuid';
import type { SimulateDto } from './dto/simulate.dto';
import { PoliciesAdminService } from './policies-admin.service';
import { PoliciesError, PoliciesErrorCode } from './policies.errors';
import { newTerminationCode, simulate, type SimulatedSession, type SimulationResult } from './simulate';

type FieldError = { field: string; message: string };

const DEFAULT_APPLICATION_ID = 'simulated-app';
const DEFAULT_INTERVAL_SECONDS = 60;

/** Checks simulated metadata like the CM API does (DESIGN §2), naming the offending key. */
function checkMetadata(raw: Record<string, unknown>, path: string, errors: FieldError[]): Metadata {
  const metadata: Metadata = {};
  const keys = Object.keys(raw);
  if (keys.length > MAX_METADATA_KEYS) errors.push({ field: path, message: `must have at most ${MAX_METADATA_KEYS} keys` });
  for (const key of keys) {
    const value = raw[key];
    if (!ATTRIBUTE_NAME_PATTERN.test(key)) {
      errors.push({ field: `${path}.${key.slice(0, 80)}`, message: 'keys are 1-64 characters of A-Z a-z 0-9 _ . -' });
    } else if (key.startsWith(CLAIM_PREFIX)) {
      errors.push({
        field: `${path}.${key}`,
        message: `is reserved for entitlement claims: give them in claims (without "${CLAIM_PREFIX}")`,
      });
    } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      errors.push({ field: `${path}.${key}`, message: 'must be a text value' });
    } else if (String(value).length > MAX_METADATA_VALUE_LENGTH) {
      errors.push({ field: `${path}.${key}`, message: `must be at most ${MAX_METADATA_VALUE_LENGTH} characters` });
    } else {
      metadata[key] = String(value);
    }
  }
  return metadata;
}

/** Simulated entitlement claims as the attributes `claims.<name>` the CM API would make of them. */
function checkClaims(raw: Record<string, unknown> | undefined, path: string, errors: FieldError[]): Metadata {
  const attributes: Metadata = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (!CLAIM_NAME_PATTERN.test(name)) {
      errors.push({ field: `${path}.${name.slice(0, 80)}`, message: 'claim names are 1-57 characters of A-Z a-z 0-9 _ . -' });
    } else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      errors.push({ field: `${path}.${name}`, message: 'must be a string, number or boolean' });
    } else if (String(value).length > MAX_METADATA_VALUE_LENGTH) {
      errors.push({ field: `${path}.${name}`, message: `must be at most ${MAX_METADATA_VALUE_LENGTH} characters` });
    } else {
      attributes[`${CLAIM_PREFIX}${name}`] = String(value);
    }
  }
  return attributes;
}

/**
 * `POST /policies/simulate`: resolves what the caller may use (their policies or rules, their applications'
 * names and heartbeat intervals) and runs the pure simulator. Nothing is stored.
 */
@Injectable()
export class SimulateService {
  constructor(
    private readonly admin: PoliciesAdminService,
    private readonly applications: ApplicationsService,
  ) {}

  async run(actor: Actor, dto: SimulateDto, now = new Date()): Promise<SimulationResult> {
    const errors: FieldError[] = [];
    if ((dto.rules === undefined) === (dto.policyIds === undefined)) {
      errors.push({ field: dto.rules === undefined ? 'rules' : 'policyIds', message: 'give either rules or policyIds (exactly one)' });
      throw new PoliciesError(PoliciesErrorCode.INVALID_REQUEST, 'Give either rules or policyIds', errors);
    }
    let policies: Array<{ id: string; name: string; rules: SimulationInputRules }>;
    if (dto.rules !== undefined) {
      const checked = validateRules(dto.rules);
      if (!checked.ok) throw new PoliciesError(PoliciesErrorCode.INVALID_RULES, 'The policy rules are invalid', checked.errors);
      policies = [{ id: 'simulation', name: 'simulation', rules: checked.rules }];
    } else {
      const ids = [...new Set(dto.policyIds)];
      policies = [];
      for (const id of ids) policies.push(await this.admin.visible(actor, id));
    }

    const candidateApp = dto.candidate.applicationId ?? DEFAULT_APPLICATION_ID;
    const sessionsIn = dto.sessions ?? [];
    const appIds = [...new Set([candidateApp, ...sessionsIn.map((s) => s.applicationId ?? candidateApp)])];
    const known = await this.applications.findMany(appIds);
    const visibleApp = (id: string) => {
      const app = known.get(id);
      return app && canAccessTenant(actor, app.tenantId) ? app : undefined;
    };
    const nameOf = (id: string) => visibleApp(id)?.name ?? id;

    const candidateMetadata = {
      ...checkMetadata(dto.candidate.metadata, 'candidate.metadata', errors),
      ...checkClaims(dto.candidate.claims, 'candidate.claims', errors),
    };
    const taken = new Set(sessionsIn.flatMap((s) => (s.terminationCode ? [s.terminationCode] : [])));
    const seenIds = new Set<string>();
    const seenCodes = new Set<string>();
    const running: SimulatedSession[] = sessionsIn.map((s, i) => {
      const sessionId = s.sessionId ?? uuidv7();
      if (seenIds.has(sessionId)) errors.push({ field: `sessions[${i}].sessionId`, message: 'is given twice' });
      seenIds.add(sessionId);
      const terminationCode = s.terminationCode ?? newTerminationCode(taken);
      taken.add(terminationCode);
      if (seenCodes.has(terminationCode)) errors.push({ field: `sessions[${i}].terminationCode`, message: 'is given twice' });
      seenCodes.add(terminationCode);
      const applicationId = s.applicationId ?? candidateApp;
      return {
        sessionId,
        applicationId,
        applicationName: nameOf(applicationId),
        terminationCode,
        startedAt: s.startedAt ? new Date(s.startedAt) : new Date(now.getTime() - (sessionsIn.length - i) * 1000),
        metadata: {
          ...checkMetadata(s.metadata, `sessions[${i}].metadata`, errors),
          ...checkClaims(s.claims, `sessions[${i}].claims`, errors),
        },
      };
    });
    const devicesIn = dto.devices ?? [];
    const seenDevices = new Set<string>();
    const devices: RegisteredDevice[] = devicesIn.map((d, i) => {
      if (seenDevices.has(d.deviceId)) errors.push({ field: `devices[${i}].deviceId`, message: 'is given twice' });
      seenDevices.add(d.deviceId);
      const firstSeen = d.firstSeen ? new Date(d.firstSeen) : new Date(now.getTime() - (devicesIn.length - i) * 86_400_000);
      return {
        deviceId: d.deviceId,
        name: d.name || UNKNOWN,
        platform: d.platform || UNKNOWN,
        firstSeen: firstSeen.toISOString(),
        lastSeen: d.lastSeen ? new Date(d.lastSeen).toISOString() : firstSeen.toISOString(),
      };
    });
    if (errors.length > 0) throw new PoliciesError(PoliciesErrorCode.INVALID_REQUEST, 'The simulation request is invalid', errors);

    return simulate({
      policies,
      running,
      candidate: {
        applicationId: candidateApp,
        applicationName: nameOf(candidateApp),
        metadata: candidateMetadata,
        heartbeatIntervalSeconds: visibleApp(candidateApp)?.heartbeatIntervalSeconds ?? DEFAULT_INTERVAL_SECONDS,
      },
      terminate: dto.terminate ?? [],
      devices,
      platform: visibleApp(candidateApp)?.platform,
      now,
    });
  }
}

type SimulationInputRules = Parameters<typeof simulate>[0]['policies'][number]['rules'];
