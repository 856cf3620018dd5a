import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PoliciesModule } from '@cm/policies';
import { SessionsModule } from '@cm/sessions';
import { TenantsModule } from '@cm/tenants';
import { ConfigModule } from './config/config.module';
import type { Env } from './config/env';
import { dataSourceOptions } from './database/options';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { HealthController } from './http/health.controller';
import { FirstRunSeeder } from './seed/first-run';

/** The composition root: wires the libraries with the validated environment and the database URL. */
@Module({})
export class AppModule {
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        EventEmitterModule.forRoot(),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, env.CM_DB_POOL_SIZE), retryAttempts: 0 }),
        TerminusModule,
        TenantsModule,
        PoliciesModule,
        SessionsModule.forRoot({
          graceSeconds: env.CM_GRACE_SECONDS,
          sweepIntervalSeconds: env.CM_SWEEP_INTERVAL_SECONDS,
          endedRetentionHours: env.CM_ENDED_RETENTION_HOURS,
          throttleSessionPerMinute: env.CM_THROTTLE_SESSION_PER_MINUTE,
          throttleAccountInitsPerMinute: env.CM_THROTTLE_ACCOUNT_INITS_PER_MINUTE,
          failMode: env.CM_FAIL_MODE,
          degradedExpiresSeconds: env.CM_DEGRADED_EXPIRES_SECONDS,
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, FirstRunSeeder],
    };
  }
}
