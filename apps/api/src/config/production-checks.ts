import type { ApplicationsService } from '@cm/tenants';
import { ConfigError, type Env } from './env';

/**
 * In production (without CM_ALLOW_OPEN_APPLICATIONS) the server refuses to start while an application serves the
 * player API without a secret: anyone who knows its id could use it. The error names the applications and the
 * ways out.
 */
export async function assertNoOpenApplications(env: Env, applications: ApplicationsService): Promise<void> {
  if (env.CM_ENV !== 'production' || env.CM_ALLOW_OPEN_APPLICATIONS) return;
  const ids = await applications.openApplicationIds();
  if (ids.length === 0) return;
  const shown = ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
  throw new ConfigError(
    `Refusing to start in production: ${ids.length === 1 ? 'this application has' : `these ${ids.length} applications have`} ` +
      `no secret, so anyone who knows the id can use the player API: ${shown}.\n` +
      '  Give each one a secret (console: the application\'s "Require a secret"; API: POST /api/v1/applications/{id}/secret),\n' +
      '  starting once with CM_ALLOW_OPEN_APPLICATIONS=true to do so; or set CM_ALLOW_OPEN_APPLICATIONS=true to serve them open.',
  );
}
