export { checkCompliance } from './compliance';
export { evaluate } from './evaluate';
export { defaultMessage, ruleAttribute } from './messages';
export { claimsRead, missingMetadata, readsNetwork, requiredClaims, requiredMetadata } from './metadata';
export { effectiveLimit } from './limits';
export type { ComplianceResult, EnginePolicy, EngineSession, Eviction, InitDecision, RuleViolation } from './types';
export { RULE_BOUNDS, validateRules } from './validate-rules';
export type { RuleFieldError, RulesValidation } from './validate-rules';
export {
  adviceBody,
  describeStream,
  missingMetadataBody,
  remoteTerminationBody,
  ruleViolationAdvice,
  withCandidate,
  type DescribedSession,
} from './advice';
export {
  accountCapAdvice,
  decideHeartbeat,
  decideInit,
  toEngineSession,
  type DecidedEnd,
  type DecisionSession,
  type HeartbeatInput,
  type HeartbeatOutcome,
  type InitInput,
  type InitOutcome,
} from './decide';
export { decideDeviceRegistration, deviceLimitAdvice, startingDevice, type DeviceRegistrationOutcome } from './devices';
