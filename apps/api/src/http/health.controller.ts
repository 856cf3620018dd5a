import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SESSION_RECORDS, type SessionRecords } from '@cm/sessions';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(SESSION_RECORDS) private readonly store: SessionRecords,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database and the session store (Redis when configured) answer within 1 s, else 503. */
  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1000 }),
      async () => {
        const session = this.indicators.check('sessionStore');
        try {
          await this.store.ping(1000);
          return session.up();
        } catch (error) {
          return session.down(error instanceof Error ? error.message : String(error));
        }
      },
    ]);
  }
}
