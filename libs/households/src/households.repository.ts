import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { decideDeviceRegistration } from '@cm/policy-engine';
import type { StartCount } from './networks.service';

export interface AccountKey {
  idp: string;
  subject: string;
}

export interface DeviceRow {
  policyId: string;
  deviceId: string;
  name: string;
  platform: string;
  firstSeen: Date;
  lastSeen: Date;
}

export interface NetworkUse {
  networkId: string;
  country: string | null;
  asn: number | null;
  starts: number;
  lastSeen: Date;
}

/** A registered device seen again by a start, waiting to be written. */
export interface DeviceTouch {
  policyId: string;
  account: AccountKey;
  deviceId: string;
  name: string;
  platform: string;
  at: Date;
}

export type Registration = { outcome: 'known' | 'registered' } | { outcome: 'full'; devices: DeviceRow[] };
export type Removal = { outcome: 'removed' } | { outcome: 'unknown' } | { outcome: 'quota'; nextRemovalAt: Date };

interface RawDevice {
  policy_id: string;
  device_id: string;
  name: string;
  platform: string;
  first_seen: Date;
  last_seen: Date;
}

const toDevice = (r: RawDevice): DeviceRow => ({
  policyId: r.policy_id,
  deviceId: r.device_id,
  name: r.name,
  platform: r.platform,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

/**
 * The households library's tables (devices, device_removals, account_networks, home_networks), in PostgreSQL
 * whichever session store runs. Changes to one account's register under one policy are serialised by a
 * transaction-scoped advisory lock on (policy, account), so two new devices at the limit cannot both register.
 */
@Injectable()
export class HouseholdsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction holding the register's lock. */
  private locked<T>(policyId: string, account: AccountKey, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('devices:' || $1 || ':' || length($2)::text || ':' || $2 || $3, 0))`, [
        policyId,
        account.idp,
        account.subject,
      ]);
      return work(m);
    });
  }

  /**
   * A start from this device: a registered device is `known` (one read, no write: the caller has its last-seen time
   * written later, in a batch); an unregistered one registers while the register holds fewer than `limit`, else the
   * register is full and its devices come back.
   */
  async registerDevice(
    policyId: string,
    account: AccountKey,
    device: { deviceId: string; name: string; platform: string },
    limit: number,
  ): Promise<Registration> {
    const known = async (m: EntityManager) =>
      (
        await m.query<unknown[]>(`SELECT 1 FROM devices WHERE policy_id = $1 AND idp = $2 AND subject = $3 AND device_id = $4`, [
          policyId,
          account.idp,
          account.subject,
          device.deviceId,
        ])
      ).length > 0;
    if (await known(this.dataSource.manager)) return { outcome: 'known' };
    return this.locked(policyId, account, async (m) => {
      if (await known(m)) return { outcome: 'known' as const };
      const devices = await this.devicesOf(m, [policyId], account);
      // The decision the policy simulator makes too (@cm/policy-engine), here under the register's lock.
      const outcome = decideDeviceRegistration(devices, device.deviceId, limit);
      if (outcome === 'full') return { outcome, devices };
      if (outcome === 'known') return { outcome };
      await m.query(
        `INSERT INTO devices (policy_id, idp, subject, device_id, name, platform, first_seen, last_seen)
         VALUES ($1, $2, $3, $4, $5, $6, now(), now())`,
        [policyId, account.idp, account.subject, device.deviceId, device.name, device.platform],
      );
      return { outcome: 'registered' as const };
    });
  }

  /**
   * Writes when registered devices were seen (and the name and platform they gave), in one statement; a device
   * removed since is left alone. Rows are updated in key order, so two processes' batches cannot deadlock.
   */
  async touchDevices(touches: DeviceTouch[]): Promise<void> {
    if (touches.length === 0) return;
    await this.dataSource.query(
      `UPDATE devices d SET last_seen = GREATEST(d.last_seen, t.at), name = t.name, platform = t.platform
         FROM (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
                 AS u(policy_id, idp, subject, device_id, name, platform, at)
                ORDER BY policy_id, idp, subject, device_id) t
        WHERE d.policy_id = t.policy_id AND d.idp = t.idp AND d.subject = t.subject AND d.device_id = t.device_id`,
      [
        touches.map((t) => t.policyId),
        touches.map((t) => t.account.idp),
        touches.map((t) => t.account.subject),
        touches.map((t) => t.deviceId),
        touches.map((t) => t.name),
        touches.map((t) => t.platform),
        touches.map((t) => t.at),
      ],
    );
  }

  /** The registered devices of an account under these policies, first registered first. */
  listDevices(policyIds: string[], account: AccountKey): Promise<DeviceRow[]> {
    return this.devicesOf(this.dataSource.manager, policyIds, account);
  }

  /** Every register of an account, whatever the policy (operator look-up). */
  async listAllDevices(account: AccountKey): Promise<DeviceRow[]> {
    const rows: RawDevice[] = await this.dataSource.query(
      `SELECT policy_id, device_id, name, platform, first_seen, last_seen FROM devices
        WHERE idp = $1 AND subject = $2 ORDER BY first_seen, device_id`,
      [account.idp, account.subject],
    );
    return rows.map(toDevice);
  }

  private async devicesOf(m: EntityManager, policyIds: string[], account: AccountKey): Promise<DeviceRow[]> {
    if (policyIds.length === 0) return [];
    const rows: RawDevice[] = await m.query(
      `SELECT policy_id, device_id, name, platform, first_seen, last_seen FROM devices
        WHERE policy_id = ANY($1::uuid[]) AND idp = $2 AND subject = $3 ORDER BY first_seen, device_id`,
      [policyIds, account.idp, account.subject],
    );
    return rows.map(toDevice);
  }

  /** The viewer's removals under this policy since `since`, oldest first. */
  async viewerRemovalsSince(policyId: string, account: AccountKey, windowDays: number): Promise<Date[]> {
    const rows: Array<{ removed_at: Date }> = await this.dataSource.query(
      `SELECT removed_at FROM device_removals
        WHERE policy_id = $1 AND idp = $2 AND subject = $3 AND removed_by = 'viewer' AND removed_at > now() - make_interval(days => $4)
        ORDER BY removed_at`,
      [policyId, account.idp, account.subject, windowDays],
    );
    return rows.map((r) => r.removed_at);
  }

  /**
   * Removes a device from the register. A viewer's removal counts against `quota` (removals in the last
   * `windowDays`): past it nothing changes and the answer says when the oldest counted removal leaves the window.
   */
  removeDevice(
    policyId: string,
    account: AccountKey,
    deviceId: string,
    by: 'viewer' | 'operator',
    quota: { max: number; windowDays: number } | undefined,
  ): Promise<Removal> {
    return this.locked(policyId, account, async (m) => {
      const exists: unknown[] = await m.query(
        `SELECT 1 FROM devices WHERE policy_id = $1 AND idp = $2 AND subject = $3 AND device_id = $4`,
        [policyId, account.idp, account.subject, deviceId],
      );
      if (exists.length === 0) return { outcome: 'unknown' as const };
      if (by === 'viewer' && quota) {
        const rows: Array<{ used: number; next: Date | null }> = await m.query(
          `SELECT count(*)::int AS used, min(removed_at) + make_interval(days => $4) AS next FROM (
             SELECT removed_at FROM device_removals
              WHERE policy_id = $1 AND idp = $2 AND subject = $3 AND removed_by = 'viewer' AND removed_at > now() - make_interval(days => $4)
              ORDER BY removed_at DESC LIMIT $5) recent`,
          [policyId, account.idp, account.subject, quota.windowDays, Math.max(quota.max, 1)],
        );
        const { used, next } = rows[0];
        if (used >= quota.max)
          return { outcome: 'quota' as const, nextRemovalAt: next ?? new Date(Date.now() + quota.windowDays * 86_400_000) };
      }
      await m.query(`DELETE FROM devices WHERE policy_id = $1 AND idp = $2 AND subject = $3 AND device_id = $4`, [
        policyId,
        account.idp,
        account.subject,
        deviceId,
      ]);
      await m.query(
        `INSERT INTO device_removals (policy_id, idp, subject, device_id, removed_at, removed_by) VALUES ($1, $2, $3, $4, now(), $5)`,
        [policyId, account.idp, account.subject, deviceId, by],
      );
      return { outcome: 'removed' as const };
    });
  }

  /**
   * Deletes per-day start counts older than `networkDays` days (what the home network no longer reads) and device
   * removals older than `removalDays` days (past every swap window).
   */
  async deleteExpired(networkDays: number, removalDays: number): Promise<{ networkDays: number; removals: number }> {
    const [, networks] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM account_networks WHERE day <= (now() AT TIME ZONE 'UTC')::date - $1::int`,
      [networkDays],
    );
    const [, removals] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM device_removals WHERE removed_at < now() - make_interval(days => $1)`,
      [removalDays],
    );
    return { networkDays: networks, removals };
  }

  /**
   * Adds counted starts (distinct account, tenant and network) to today's rows, in one statement (one per row when
   * called with a single count, as the write-behind does when the database refuses the batch).
   */
  async recordStarts(counts: StartCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO account_networks (idp, subject, tenant_id, network_id, day, country, asn, starts, last_seen)
       SELECT c.idp, c.subject, c.tenant_id, c.network_id, (now() AT TIME ZONE 'UTC')::date, c.country, c.asn, c.starts, now()
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::int[])
              AS c(idp, subject, tenant_id, network_id, country, asn, starts)
        ORDER BY c.idp, c.subject, c.tenant_id, c.network_id
       ON CONFLICT (idp, subject, tenant_id, network_id, day)
       DO UPDATE SET starts = account_networks.starts + EXCLUDED.starts, last_seen = now()`,
      [
        counts.map((c) => c.account.idp),
        counts.map((c) => c.account.subject),
        counts.map((c) => c.tenantId),
        counts.map((c) => c.networkId),
        counts.map((c) => c.country),
        counts.map((c) => c.asn),
        counts.map((c) => c.starts),
      ],
    );
  }

  /**
   * Which of these tenants (null: any) have the account's networks to show: their applications played for it in
   * the last `days` days, or their operator chose its home network.
   */
  async tenantsWithNetworks(account: AccountKey, tenantIds: string[] | null, days: number): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT tenant_id FROM account_networks WHERE idp = $1 AND subject = $2 AND ($3::uuid[] IS NULL OR tenant_id = ANY($3::uuid[]))
          AND day > (now() AT TIME ZONE 'UTC')::date - $4::int
       UNION
       SELECT tenant_id FROM home_networks WHERE idp = $1 AND subject = $2 AND ($3::uuid[] IS NULL OR tenant_id = ANY($3::uuid[]))
       ORDER BY tenant_id`,
      [account.idp, account.subject, tenantIds, days],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * The account's home network for this tenant: its operator's choice, else the network of most of the tenant's
   * starts over the last `days` days (ties: the one seen last). Null when neither exists.
   */
  async homeNetwork(
    account: AccountKey,
    tenantId: string,
    days: number,
  ): Promise<{ networkId: string; source: 'operator' | 'playback' } | null> {
    const rows: Array<{ network_id: string; source: 'operator' | 'playback' }> = await this.dataSource.query(
      `SELECT network_id, 'operator' AS source FROM home_networks WHERE idp = $1 AND subject = $2 AND tenant_id = $3
       UNION ALL
       (SELECT network_id, 'playback' AS source FROM account_networks
         WHERE idp = $1 AND subject = $2 AND tenant_id = $3 AND day > (now() AT TIME ZONE 'UTC')::date - $4::int
         GROUP BY network_id ORDER BY sum(starts) DESC, max(last_seen) DESC LIMIT 1)
       ORDER BY source LIMIT 1`,
      [account.idp, account.subject, tenantId, days],
    );
    return rows.length === 0 ? null : { networkId: rows[0].network_id, source: rows[0].source };
  }

  /** Networks the account played from over the last `days` days on this tenant's applications, most starts first. */
  async recentNetworks(account: AccountKey, tenantId: string, days: number): Promise<NetworkUse[]> {
    const rows: Array<{ network_id: string; country: string | null; asn: number | null; starts: number; last_seen: Date }> =
      await this.dataSource.query(
        `SELECT network_id, (array_agg(country ORDER BY day DESC))[1] AS country, (array_agg(asn ORDER BY day DESC))[1] AS asn,
                sum(starts)::int AS starts, max(last_seen) AS last_seen
           FROM account_networks WHERE idp = $1 AND subject = $2 AND tenant_id = $3 AND day > (now() AT TIME ZONE 'UTC')::date - $4::int
          GROUP BY network_id ORDER BY starts DESC, last_seen DESC LIMIT 50`,
        [account.idp, account.subject, tenantId, days],
      );
    return rows.map((r) => ({ networkId: r.network_id, country: r.country, asn: r.asn, starts: r.starts, lastSeen: r.last_seen }));
  }

  /** A deleted tenant's start counts and home networks (in the deletion's transaction): nobody could read them again. */
  async deleteTenant(tenantId: string, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM account_networks WHERE tenant_id = $1`, [tenantId]);
    await m.query(`DELETE FROM home_networks WHERE tenant_id = $1`, [tenantId]);
  }

  /** Sets (or, with null, clears) this tenant's choice of the account's home network; returns its previous choice. */
  async setHomeNetwork(account: AccountKey, tenantId: string, networkId: string | null, setBy: string): Promise<string | null> {
    return this.dataSource.transaction(async (m) => {
      const key = [account.idp, account.subject, tenantId];
      const before: Array<{ network_id: string }> = await m.query(
        `SELECT network_id FROM home_networks WHERE idp = $1 AND subject = $2 AND tenant_id = $3 FOR UPDATE`,
        key,
      );
      if (networkId === null) await m.query(`DELETE FROM home_networks WHERE idp = $1 AND subject = $2 AND tenant_id = $3`, key);
      else
        await m.query(
          `INSERT INTO home_networks (idp, subject, tenant_id, network_id, set_by, set_at) VALUES ($1, $2, $3, $4, $5, now())
           ON CONFLICT (idp, subject, tenant_id) DO UPDATE SET network_id = EXCLUDED.network_id, set_by = EXCLUDED.set_by, set_at = now()`,
          [...key, networkId, setBy],
        );
      return before[0]?.network_id ?? null;
    });
  }
}
