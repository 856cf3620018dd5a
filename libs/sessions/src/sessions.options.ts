/** Settings of the sessions library, provided by the app from its validated environment. */
export interface SessionsOptions {
  /** How long past `Expires` a silent session still counts as running. */
  graceSeconds: number;
  sweepIntervalSeconds: number;
  endedRetentionHours: number;
  throttleSessionPerMinute: number;
  throttleAccountInitsPerMinute: number;
}

export const SESSIONS_OPTIONS = Symbol('SessionsOptions');
