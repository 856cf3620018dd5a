/** How the sharing library runs (from the validated environment). */
export interface SharingOptions {
  /**
   * Whether starts are recorded and scored (CM_SHARING_SIGNALS). Off, the session events are ignored (no place
   * look-ups, no writes: per admitted init about 10 % of the server's CPU and 5 % of PostgreSQL's saved, measured
   * with `npm run bench -- --only init`) and the sharing routes answer 404 SHARING_DISABLED.
   */
  enabled: boolean;
}

export const SHARING_OPTIONS = Symbol('SHARING_OPTIONS');
