import { Initial1795795575318 } from './1795795575318-Initial';
import { Identity1795796514697 } from './1795796514697-Identity';
import { Usage1795797000000 } from './1795797000000-Usage';
import { HotHeartbeats1795798000000 } from './1795798000000-HotHeartbeats';
import { ApplicationEpochs1795799000000 } from './1795799000000-ApplicationEpochs';
import { DecisionLog1795799180000 } from './1795799180000-DecisionLog';
import { PlaybackTokens1796067753081 } from './1796067753081-PlaybackTokens';
import { PasswordMustChange1796067800000 } from './1796067800000-PasswordMustChange';
import { Entitlements1796070125428 } from './1796070125428-Entitlements';
import { TokenLineage1796071000000 } from './1796071000000-TokenLineage';
import { Households1796080433636 } from './1796080433636-Households';
import { Sharing1796090000000 } from './1796090000000-Sharing';
import { HouseholdsPerTenant1796663858653 } from './1796663858653-HouseholdsPerTenant';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests load the same set. */
export const MIGRATIONS = [
  Initial1795795575318,
  Identity1795796514697,
  Usage1795797000000,
  HotHeartbeats1795798000000,
  ApplicationEpochs1795799000000,
  DecisionLog1795799180000,
  PlaybackTokens1796067753081,
  PasswordMustChange1796067800000,
  Entitlements1796070125428,
  TokenLineage1796071000000,
  Households1796080433636,
  Sharing1796090000000,
  HouseholdsPerTenant1796663858653,
];
