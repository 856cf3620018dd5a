import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/** One committed configuration change: the applications whose policy epoch moved (or that were deleted). */
export interface ConfigurationChangedEvent {
  applicationIds: string[];
}

/** The in-process event every configuration cache listens to (emitted once the change committed). */
export const ConfigurationEvents = { changed: 'configuration.changed' } as const;

const PENDING = Symbol('cm.pendingEpochChanges');
type WithPending = QueryRunner & { data: { [PENDING]?: Set<string> } };

/**
 * Two counters. Each application's `policy_epoch` moves when something that decides its streams changes (see
 * ApplicationEntity); the global `config_epoch` row moves on every configuration change, for caches that cover all
 * of it and for cross-process pollers that then read the application epochs they care about.
 *
 * The one owner of "configuration changed": the epochs answer what the configuration is now (`current`,
 * `applicationEpochs`), and `configuration.changed` tells every cache of this process once a change committed (never
 * of one rolled back): the CM application directory drops those applications, the usage directory its copy. Other
 * processes learn of it by polling the epochs.
 */
@Injectable()
export class ConfigEpochService implements OnModuleInit, EntitySubscriberInterface {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventEmitter2,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  /**
   * Call inside the transaction that changes configuration, so the bump commits with the change: moves the global
   * epoch and gives each of `applicationIds` (the applications whose decisions the change can alter) a new epoch.
   */
  async bump(manager: EntityManager = this.dataSource.manager, applicationIds: Iterable<string> = []): Promise<void> {
    const ids = [...new Set(applicationIds)].sort();
    if (ids.length > 0) {
      // Locks in id order (no deadlock between two bumps), then takes fresh values of the sequence.
      await manager.query(
        `UPDATE applications a SET policy_epoch = nextval('application_policy_epoch')
           FROM (SELECT id FROM applications WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE) l
          WHERE a.id = l.id`,
        [ids],
      );
    }
    await manager.query('UPDATE config_epoch SET epoch = epoch + 1, changed_at = now() WHERE id = 1');
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) {
      const pending = ((runner as WithPending).data[PENDING] ??= new Set());
      for (const id of ids) pending.add(id);
    } else {
      this.notify(ids);
    }
  }

  /** The global configuration epoch. */
  async current(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: Array<{ epoch: string }> = await manager.query('SELECT epoch FROM config_epoch WHERE id = 1');
    return Number(rows[0]?.epoch ?? 0);
  }

  /** The policy epochs of these applications (absent: no such application). */
  async applicationEpochs(applicationIds: string[]): Promise<Map<string, number>> {
    if (applicationIds.length === 0) return new Map();
    const rows: Array<{ id: string; policy_epoch: string }> = await this.dataSource.query(
      'SELECT id, policy_epoch FROM applications WHERE id = ANY($1::text[])',
      [applicationIds],
    );
    return new Map(rows.map((r) => [r.id, Number(r.policy_epoch)]));
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner as WithPending;
    if (runner.isTransactionActive) return; // a savepoint was released; the transaction goes on
    const pending = runner.data?.[PENDING];
    if (!pending) return;
    delete runner.data[PENDING];
    this.notify([...pending]);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner as WithPending;
    if (!runner.isTransactionActive && runner.data) delete runner.data[PENDING];
  }

  private notify(applicationIds: string[]): void {
    const event: ConfigurationChangedEvent = { applicationIds };
    this.events.emit(ConfigurationEvents.changed, event);
  }
}
