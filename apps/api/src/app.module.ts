import { PortsModule } from './ports.module';
import { DatabasePoolsModule, poolShare } from './database/database-pools';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigurationModule } from '@cm/configuration';
import { IdentityModule } from '@cm/identity';
import { PlaybackTokensModule } from '@cm/playback-tokens';
import { PoliciesModule } from '@cm/policies';
import { SessionsModule } from '@cm/sessions';
import { SharingModule } from '@cm/sharing';
import { HEARTBEAT_INTERVAL_RANGE, TenantsModule } from '@cm/tenants';
import { UsageModule } from '@cm/usage';
import { ConfigModule } from './config/config.module';
import { type Env, sessionStoreOptions } from './config/env';
import { dataSourceOptions } from './database/options';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { ConsoleModule } from './http/console.module';
import { DocsController, OpenApiDocument } from './http/docs.controller';
import { ExamplesModule } from './http/examples.module';
import { HealthController } from './http/health.controller';
import { MetricsListener } from './http/metrics-access';
import { MetricsController } from './http/metrics.controller';
import { MetricsService } from './http/metrics.service';
import { RequestPipeline } from './http/request-pipeline';
import { loggingModule, type LoggingOptions } from './logging/logging';
import { FirstRunSeeder } from './seed/first-run';

/** The composition root: wires the libraries with the validated environment and the database URL. */
@Module({})
export class AppModule {
  static forRoot(
    env: Env,
    databaseUrl: string,
    logging: LoggingOptions = {
      enabled: true,
      level: env.LOG_LEVEL,
      heartbeats: env.CM_LOG_HEARTBEATS,
      slowMs: env.CM_LOG_SLOW_MS,
      production: env.CM_ENV === 'production',
    },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        loggingModule(logging),
        EventEmitterModule.forRoot(),
        // The management API's pool; the player API's pools are DatabasePools (a share of CM_DB_POOL_SIZE each).
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, poolShare(env.CM_DB_POOL_SIZE)), retryAttempts: 0 }),
        DatabasePoolsModule.forRoot(databaseUrl, env.CM_DB_POOL_SIZE),
        TerminusModule,
        IdentityModule,
        PortsModule,
        TenantsModule,
        PoliciesModule,
        PlaybackTokensModule.forRoot({
          issuer: env.CM_PUBLIC_URL?.replace(/\/+$/, ''),
          algorithm: env.CM_PLAYBACK_TOKEN_ALGORITHM,
          // A token expires with its session: at most one heartbeat interval (or degraded window) after it was signed.
          maxTokenLifetimeSeconds: Math.max(HEARTBEAT_INTERVAL_RANGE.max, env.CM_DEGRADED_EXPIRES_SECONDS),
        }),
        ConfigurationModule,
        SessionsModule.forRoot({
          graceSeconds: env.CM_GRACE_SECONDS,
          sweepIntervalSeconds: env.CM_SWEEP_INTERVAL_SECONDS,
          endedRetentionHours: env.CM_ENDED_RETENTION_HOURS,
          throttleSessionPerMinute: env.CM_THROTTLE_SESSION_PER_MINUTE,
          throttleAccountInitsPerMinute: env.CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE,
          maxSessionsPerAccount: env.CM_MAX_SESSIONS_PER_ACCOUNT,
          failMode: env.CM_FAIL_MODE,
          degradedExpiresSeconds: env.CM_DEGRADED_EXPIRES_SECONDS,
          store: sessionStoreOptions(env),
        }),
        UsageModule.forRoot({
          graceSeconds: env.CM_GRACE_SECONDS,
          flushIntervalSeconds: env.CM_USAGE_FLUSH_SECONDS,
          retentionDays: {
            minute: env.CM_USAGE_MINUTE_RETENTION_DAYS,
            hour: env.CM_USAGE_HOUR_RETENTION_DAYS,
            day: env.CM_USAGE_RETENTION_DAYS,
          },
          decisionRetentionHours: env.CM_ENDED_RETENTION_HOURS,
        }),
        SharingModule.forRoot({ enabled: env.CM_SHARING_SIGNALS }),
        // The player examples (development mode): before the console, whose catch-all would answer their paths.
        ExamplesModule.forRoot({ enabled: env.CM_ENV !== 'production' }),
        // Last: its catch-all route (the console's client-side routes) must come after every API route.
        ConsoleModule.forRoot({ production: env.CM_ENV === 'production' }),
      ],
      controllers: [HealthController, DocsController, MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        FirstRunSeeder,
        OpenApiDocument,
        MetricsService,
        MetricsListener,
        RequestPipeline,
      ],
    };
  }
}
