/** How the usage library counts, flushes and keeps history (from the validated environment). */
export interface UsageOptions {
  /** Seconds past `Expires` a silent session still counts as running (CM_GRACE_SECONDS). */
  graceSeconds: number;
  /** How often the in-memory counts are written to PostgreSQL (CM_USAGE_FLUSH_SECONDS, 1-10). */
  flushIntervalSeconds: number;
  /** How long each granularity of history is kept, in days. */
  retentionDays: { minute: number; hour: number; day: number };
  /** How long the decision log is kept, in hours: as long as ended sessions (CM_ENDED_RETENTION_HOURS). */
  decisionRetentionHours: number;
}

export const USAGE_OPTIONS = Symbol('USAGE_OPTIONS');
