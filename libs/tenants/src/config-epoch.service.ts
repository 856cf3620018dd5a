import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Reads and advances the configuration epoch (see ConfigEpochEntity). */
@Injectable()
export class ConfigEpochService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Call inside the transaction that changes configuration, so the bump commits with the change. */
  async bump(manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('UPDATE config_epoch SET epoch = epoch + 1, changed_at = now() WHERE id = 1');
  }

  async current(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: Array<{ epoch: string }> = await manager.query('SELECT epoch FROM config_epoch WHERE id = 1');
    return Number(rows[0]?.epoch ?? 0);
  }
}
