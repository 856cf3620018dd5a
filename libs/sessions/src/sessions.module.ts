import { type DynamicModule, Module } from '@nestjs/common';
import { HouseholdsModule } from '@cm/households';
import { PoliciesModule } from '@cm/policies';
import { TenantsModule } from '@cm/tenants';
import { AccountHouseholdsService } from './account-households.service';
import { AccountsController } from './accounts.controller';
import { AccountSessionsService } from './accounts.service';
import { ApplicationDirectory } from './application-directory';
import { Clock } from './clock';
import { CmAuthGuard } from './cm-auth.guard';
import { CmV2Controller } from './cm-v2.controller';
import { DevicesController } from './devices.controller';
import { RemoveDeviceUseCase } from './usecases/remove-device.usecase';
import { EntitlementVerifier } from './entitlements';
import { ExpirySweeper } from './expiry-sweeper';
import { PgSessions } from './postgres/pg-sessions';
import { PostgresSessionRecords } from './postgres/postgres-session-records';
import { PostgresSessionStore } from './postgres/postgres-session.store';
import { REDIS_STORE_OPTIONS, RedisSessionStore } from './redis/redis-session.store';
import { SESSION_RECORDS, SESSION_STORE } from './session-store.port';
import { SESSIONS_OPTIONS, type SessionsOptions } from './sessions.options';
import { DegradedSessions } from './degraded-sessions';
import { AccountStreamsReader } from './usecases/account-streams';
import { HeartbeatSession } from './usecases/heartbeat-session.usecase';
import { PlayerThrottle } from './usecases/player-throttle';
import { RequiredMetadata } from './usecases/required-metadata.usecase';
import { ListRunningStreams } from './usecases/running-streams.usecase';
import { StartSession } from './usecases/start-session.usecase';
import { StopSession } from './usecases/stop-session.usecase';

@Module({})
export class SessionsModule {
  static forRoot(options: SessionsOptions): DynamicModule {
    const store = options.store ?? { kind: 'postgres' };
    return {
      module: SessionsModule,
      // Global for the session store only: live usage and /metrics count running sessions through it.
      global: true,
      imports: [TenantsModule, PoliciesModule, HouseholdsModule],
      controllers: [CmV2Controller, DevicesController, AccountsController],
      providers: [
        { provide: SESSIONS_OPTIONS, useValue: options },
        ...(store.kind === 'redis'
          ? [
              { provide: REDIS_STORE_OPTIONS, useValue: store.redis },
              RedisSessionStore,
              { provide: SESSION_STORE, useExisting: RedisSessionStore },
              { provide: SESSION_RECORDS, useExisting: RedisSessionStore },
            ]
          : [
              PgSessions,
              { provide: SESSION_STORE, useClass: PostgresSessionStore },
              { provide: SESSION_RECORDS, useClass: PostgresSessionRecords },
            ]),
        ApplicationDirectory,
        Clock,
        CmAuthGuard,
        { provide: DegradedSessions, useFactory: () => new DegradedSessions(options.degradedExpiresSeconds) },
        AccountStreamsReader,
        PlayerThrottle,
        RequiredMetadata,
        StartSession,
        HeartbeatSession,
        StopSession,
        ListRunningStreams,
        EntitlementVerifier,
        ExpirySweeper,
        AccountSessionsService,
        RemoveDeviceUseCase,
        AccountHouseholdsService,
      ],
      exports: [ExpirySweeper, SESSION_STORE, SESSION_RECORDS],
    };
  }
}
