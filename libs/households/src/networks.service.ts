import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type Metadata, reportSetAside, writeSettingAside } from '@cm/contracts';
import { TenantsService } from '@cm/tenants';
import { HouseholdsError, HouseholdsErrorCode } from './households.errors';
import { type AccountKey, HouseholdsRepository, type NetworkUse } from './households.repository';
import { IpDatabase } from './ip-database';
import { networkPrefix, normalizeAddress } from './network-address';

/** Starts are counted in memory and written at most this long after (one statement for all of them). */
const START_FLUSH_MS = 1000;
/** Above this many distinct (account, tenant, network) counts waiting, they are written at once. */
const START_FLUSH_AT = 5000;
/** At most this many counts wait for a database that does not answer; past it, the oldest are dropped (logged). */
const START_KEEP_MAX = 10 * START_FLUSH_AT;
/** The `buffer` label of `cm_writebehind_rejected_total` for these counts. */
export const NETWORK_COUNTS_BUFFER = 'network-counts';

/** How far back "most of its playback" looks. */
export const HOME_WINDOW_DAYS = 30;
/** `network.country` when the IP database places the address nowhere (private, reserved, unallocated). */
export const UNKNOWN_COUNTRY = 'ZZ';
/** `network.asn` when the IP database knows no autonomous system for the address. */
export const UNKNOWN_ASN = '0';

const accountKey = (account: AccountKey, tenantId: string) => `${tenantId}\n${account.idp.length}:${account.idp}${account.subject}`;

/** Where a start comes from: the client's address, its network, country and ASN. */
export interface ClientNetwork {
  address: string;
  networkId: string;
  country: string | null;
  asn: number | null;
}

/** Admitted starts of one account on one network for one tenant, waiting to be written. */
export interface StartCount {
  account: AccountKey;
  tenantId: string;
  networkId: string;
  country: string | null;
  asn: number | null;
  starts: number;
}

/** An account's networks as one tenant's applications saw them, and its home network for that tenant. */
export interface NetworksOverview {
  tenantId: string;
  home: { networkId: string; source: 'operator' | 'playback' } | null;
  recent: NetworkUse[];
}

/**
 * Networks and households (issue 16 part 2): the network of each start (address, prefix, country, ASN from the
 * shipped IP database) and the account's home network. Consulted at init only, never on heartbeats.
 *
 * Households are per tenant (issue 24): start counts, the computed home and an operator's choice of home belong to
 * the tenant whose application played, or whose operator chose. Another tenant's starts never move them, and another
 * tenant's operators neither read nor set them.
 */
@Injectable()
export class NetworksService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NetworksService.name);

  constructor(
    private readonly repository: HouseholdsRepository,
    private readonly events: EventEmitter2,
    private readonly tenants: TenantsService,
  ) {}

  /** A tenant's households go with it (a tenant is deleted only once it has no applications). */
  onModuleInit(): void {
    this.tenants.onDelete((tenantId, manager) => this.repository.deleteTenant(tenantId, manager));
  }

  private warned = false;

  /** Reads the IP databases at start-up (about 0.8 s), not in the first player's init. */
  onApplicationBootstrap(): void {
    void this.database();
  }

  /**
   * The IP databases, or null when they cannot be read (packages missing from node_modules): starts then go on with
   * the network prefix alone (country and ASN unknown), and the error is logged once per process.
   */
  private async database(): Promise<IpDatabase | null> {
    try {
      return await IpDatabase.shared();
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.logger.error(`Cannot read the IP databases (country and ASN stay unknown): ${String(error)}`);
      }
      return null;
    }
  }

  /** The client's network (no database call); null when the address is unknown (no socket address). */
  async locate(rawAddress: string | undefined): Promise<ClientNetwork | null> {
    const address = normalizeAddress(rawAddress);
    if (address === null) return null;
    const facts = (await this.database())?.lookup(address) ?? { country: null, asn: null };
    return { address, networkId: networkPrefix(address), ...facts };
  }

  /**
   * The server-derived attributes of a start from this network (`network.*`), with `network.home` against the
   * account's home network (one query). An account with no playback yet and no home set is at home where it plays.
   */
  async attributes(account: AccountKey, tenantId: string, network: ClientNetwork): Promise<Metadata> {
    // Only this account's unwritten starts on this tenant can move its home: others' stay batched (no write here).
    if (this.pendingAccounts.has(accountKey(account, tenantId))) await this.flush();
    else await this.flushing;
    const home = await this.repository.homeNetwork(account, tenantId, HOME_WINDOW_DAYS);
    return {
      'network.id': network.networkId,
      'network.home': String(home === null || home.networkId === network.networkId),
      'network.country': network.country ?? UNKNOWN_COUNTRY,
      'network.asn': network.asn === null ? UNKNOWN_ASN : String(network.asn),
    };
  }

  /** Admitted starts not written yet, by account, tenant and network. */
  private pending = new Map<string, StartCount>();
  /** The (tenant, account) pairs with counts in `pending`. */
  private pendingAccounts = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Shutting down: the last flush is under way and nothing is retried after it (the database is closing). */
  private closing = false;

  /**
   * Counts an admitted start on its network (what the home network is computed from). Off the request path: counts
   * gather in memory and are written together within START_FLUSH_MS (one upsert for all), so an init does not
   * wait for a write and a commit of its own. Reads of this account's networks write what is pending first.
   */
  recordStart(account: AccountKey, tenantId: string, network: ClientNetwork): void {
    this.add({ account, tenantId, networkId: network.networkId, country: network.country, asn: network.asn, starts: 1 });
    if (this.pending.size >= START_FLUSH_AT) void this.flush();
    else this.schedule();
  }

  private add(count: StartCount): void {
    const who = accountKey(count.account, count.tenantId);
    const key = `${who}\n${count.networkId}`;
    this.pendingAccounts.add(who);
    const waiting = this.pending.get(key);
    if (waiting) waiting.starts += count.starts;
    else this.pending.set(key, { ...count });
  }

  private schedule(): void {
    if (this.flushTimer || this.closing) return;
    this.flushTimer = setTimeout(() => void this.flush(), START_FLUSH_MS);
    this.flushTimer.unref();
  }

  /**
   * Writes the pending start counts (one statement). Write-behind never jams: a count the database refuses (its
   * data) is set aside, logged with the reason and counted (`cm_writebehind_rejected_total{buffer="network-counts"}`),
   * and the others are written; when the database cannot be reached the counts not written yet wait for the next
   * flush (at most START_KEEP_MAX of them). Counts are added, not set: a count already written is never kept, so none
   * is counted twice.
   */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.pendingAccounts = new Set();
    this.flushing = this.flushing.then(async () => {
      const written = new Set<StartCount>();
      try {
        const refused = await writeSettingAside(batch, async (rows) => {
          await this.repository.recordStarts(rows);
          for (const row of rows) written.add(row);
        });
        const name = (c: StartCount) =>
          `${JSON.stringify(`${c.account.idp}/${c.account.subject}`)} on ${c.networkId} (tenant ${c.tenantId})`;
        reportSetAside(NETWORK_COUNTS_BUFFER, refused, name, this.logger, this.events);
      } catch (error) {
        this.keep(
          batch.filter((c) => !written.has(c)),
          error,
        );
      }
    });
    return this.flushing;
  }

  /** Counts not written because the database failed (not for their data): back in `pending` for the next flush. */
  private keep(unwritten: StartCount[], error: unknown): void {
    const room = Math.max(0, START_KEEP_MAX - this.pending.size);
    for (const count of unwritten.slice(0, room)) this.add(count);
    this.logger.warn(
      `Could not record ${unwritten.length} start count(s) of networks (${String(error)}): ` +
        (room >= unwritten.length ? 'kept for the next attempt' : `${unwritten.length - room} dropped, the rest kept`),
    );
    this.schedule();
  }

  /** Before the database closes: what is pending is written. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.flush();
  }

  /**
   * Which of these tenants (`all`: any) have networks of the account to show: their applications played for it in
   * the window, or one of their operators chose its home. Other tenants have nothing of it to read or set.
   */
  async tenantsWithNetworks(account: AccountKey, tenants: 'all' | string[]): Promise<string[]> {
    if (tenants !== 'all' && tenants.length === 0) return [];
    await this.flush();
    return this.repository.tenantsWithNetworks(account, tenants === 'all' ? null : tenants, HOME_WINDOW_DAYS);
  }

  /** The account's home network and networks as this tenant's applications saw them. */
  async overview(account: AccountKey, tenantId: string): Promise<NetworksOverview> {
    await this.flush();
    const [home, recent] = await Promise.all([
      this.repository.homeNetwork(account, tenantId, HOME_WINDOW_DAYS),
      this.repository.recentNetworks(account, tenantId, HOME_WINDOW_DAYS),
    ]);
    return { tenantId, home, recent };
  }

  /**
   * Sets the account's home network for this tenant (a /24 or /56 prefix, or an address whose network it is); null
   * clears it (the home follows the tenant's playback again). Other tenants' homes do not move.
   */
  async setHome(
    account: AccountKey,
    tenantId: string,
    network: string | null,
    setBy: string,
  ): Promise<{ before: string | null; after: string | null }> {
    const after = network === null ? null : parseNetworkId(network);
    const before = await this.repository.setHomeNetwork(account, tenantId, after, setBy);
    return { before, after };
  }
}

/** `203.0.113.0/24`, `2001:db8:12:3400::/56`, or a bare address: its network id. */
export function parseNetworkId(text: string): string {
  const [raw, prefix, extra] = text.trim().split('/');
  const address = normalizeAddress(raw);
  const expected = address?.includes(':') ? '56' : '24';
  if (address === null || extra !== undefined || (prefix !== undefined && prefix !== expected)) {
    throw new HouseholdsError(
      HouseholdsErrorCode.INVALID_NETWORK,
      'networkId must be an IPv4 /24 (203.0.113.0/24), an IPv6 /56 (2001:db8:12:3400::/56) or an address in it',
      'networkId',
    );
  }
  return networkPrefix(address);
}
