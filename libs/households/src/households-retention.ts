import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RULE_BOUNDS } from '@cm/policy-engine';
import { HouseholdsRepository } from './households.repository';
import { HOME_WINDOW_DAYS } from './networks.service';

const INTERVAL_MS = 60 * 60_000;

/**
 * Deletes what households no longer reads, once per UTC day in every process (checked hourly; deleting twice is
 * harmless): per-day start counts older than the home network's window (30 days), and device removals older than the
 * longest swap window a rule may have (RULE_BOUNDS.swapWindowDays). Registers, and an operator's home-network choice,
 * stay. Once a day because counts are kept by day: the tables are scanned once, not every hour.
 */
@Injectable()
export class HouseholdsRetention implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HouseholdsRetention.name);
  private timer?: NodeJS.Timeout;
  /** The UTC day of the last sweep that succeeded. */
  private sweptDay?: string;

  constructor(private readonly repository: HouseholdsRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.sweptDay !== new Date().toISOString().slice(0, 10)) void this.sweep();
    }, INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Rows deleted: start counts, removals. A failure is logged (the next hour tries again). */
  async sweep(): Promise<{ networkDays: number; removals: number }> {
    try {
      const day = new Date().toISOString().slice(0, 10);
      const deleted = await this.repository.deleteExpired(HOME_WINDOW_DAYS, RULE_BOUNDS.swapWindowDays);
      this.sweptDay = day;
      if (deleted.networkDays + deleted.removals > 0) {
        this.logger.log(`households retention: ${deleted.networkDays} network day(s) and ${deleted.removals} device removal(s) deleted`);
      }
      return deleted;
    } catch (error) {
      this.logger.warn(`households retention failed: ${String(error)}`);
      return { networkDays: 0, removals: 0 };
    }
  }
}
