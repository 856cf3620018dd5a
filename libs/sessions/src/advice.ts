/** The advice builders live in @cm/policy-engine (one implementation for the CM API and the simulator). */
export {
  adviceBody,
  describeStream,
  missingMetadataBody,
  remoteTerminationBody,
  ruleViolationAdvice,
  withCandidate,
  type DescribedSession,
} from '@cm/policy-engine';
