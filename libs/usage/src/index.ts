import { UsageBucketEntity } from './usage-bucket.entity';
import { UsageRecentEntity } from './usage-recent.entity';
import { DecisionEntity } from './decision.entity';

export { UsageModule } from './usage.module';
export { LiveUsageService, type LiveSnapshot, type RunningApplication } from './live-usage.service';
export { UsageHistoryService, type HistoryPage, type HistoryBucket, MAX_HISTORY_BUCKETS } from './usage-history.service';
export { UsageRecorder } from './usage-recorder';
export { DecisionLog } from './decision-log';
export { UsageError, UsageErrorCode } from './usage.errors';
export type { UsageOptions } from './usage.options';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const USAGE_ENTITIES = [UsageBucketEntity, UsageRecentEntity, DecisionEntity];
