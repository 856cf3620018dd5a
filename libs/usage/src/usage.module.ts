import { type DynamicModule, Module } from '@nestjs/common';
import { PoliciesModule } from '@cm/policies';
import { TenantsModule } from '@cm/tenants';
import { DecisionLog } from './decision-log';
import { DecisionsController } from './decisions.controller';
import { DecisionsRepository } from './decisions.repository';
import { DecisionsService } from './decisions.service';
import { LiveUsageService } from './live-usage.service';
import { RunningCounts } from './running-counts';
import { UsageDirectory } from './usage-directory';
import { UsageHistoryService } from './usage-history.service';
import { UsageRecorder } from './usage-recorder';
import { UsageController } from './usage.controller';
import { USAGE_OPTIONS, type UsageOptions } from './usage.options';
import { UsageRepository } from './usage.repository';

/**
 * Live usage (snapshot, SSE), per-minute history with hour and day roll-ups, and the per-account decision log, all
 * fed by the session events.
 */
@Module({})
export class UsageModule {
  static forRoot(options: UsageOptions): DynamicModule {
    return {
      module: UsageModule,
      imports: [TenantsModule, PoliciesModule],
      controllers: [UsageController, DecisionsController],
      providers: [
        { provide: USAGE_OPTIONS, useValue: options },
        UsageRepository,
        UsageDirectory,
        RunningCounts,
        UsageRecorder,
        LiveUsageService,
        UsageHistoryService,
        DecisionsRepository,
        DecisionLog,
        DecisionsService,
      ],
      exports: [LiveUsageService, UsageHistoryService, UsageRecorder, DecisionLog],
    };
  }
}
