import { Initial1795795575318 } from './1795795575318-Initial';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests load the same set. */
export const MIGRATIONS = [Initial1795795575318];
