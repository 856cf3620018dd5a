import { Anchor, Badge, Button, Card, Group, Pagination, Select, Stack, Switch, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type Column, DataTable } from '../../components/data-table';
import { Page } from '../../components/page';
import { Empty } from '../../components/states';
import { formatDateTime, TIME_ZONE_NOTE } from '../../components/time';
import { useApplications } from '../applications/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import { type SharingAccount, type SharingQuery, sharingAccountHref, sharingCsvUrl } from './api';
import { useSharingAccounts } from './hooks';
import { flagLabel, scoreGrade, signalLabel, topEvidence } from './score';

const PAGE_SIZE = 25;

const MIN_SCORES = [
  { value: '1', label: 'Any signal (1 and up)' },
  { value: '25', label: '25 and up' },
  { value: '50', label: '50 and up' },
  { value: '75', label: '75 and up' },
  { value: '0', label: 'Every account that played (0 and up)' },
];

/** The score as a colour-graded badge that also says its grade in words. */
export function ScoreBadge({ score, size = 'lg' }: { score: number; size?: 'md' | 'lg' | 'xl' }) {
  const grade = scoreGrade(score);
  return (
    <Badge
      color={grade.color}
      variant="filled"
      size={size}
      radius="sm"
      miw={48}
      aria-label={`Score ${score} of 100, ${grade.label}`}
      data-testid="sharing-score"
    >
      {score}
    </Badge>
  );
}

export function ReviewBadge({ account }: { account: Pick<SharingAccount, 'reviewed' | 'score'> }) {
  const r = account.reviewed;
  if (!r)
    return (
      <Badge color="orange" variant="light">
        Needs review
      </Badge>
    );
  if (account.score > r.scoreAtReview) {
    return (
      <Badge color="orange" variant="light" title={`Reviewed at ${r.scoreAtReview} by ${r.by}`}>
        Score rose since review
      </Badge>
    );
  }
  return (
    <Stack gap={0}>
      <Badge color="teal" variant="light">
        Reviewed
      </Badge>
      <Text size="xs" c="dimmed">
        {r.by}, {formatDateTime(r.at)}
      </Text>
    </Stack>
  );
}

function AccountCell({ account: a, showTenant }: { account: SharingAccount; showTenant: boolean }) {
  return (
    <Stack gap={0}>
      <Anchor
        component={Link}
        to={sharingAccountHref(a)}
        fw={500}
        style={{ overflowWrap: 'anywhere' }}
        onClick={(e) => e.stopPropagation()}
      >
        {a.idp} / {a.subject}
      </Anchor>
      {showTenant && (
        <Text size="xs" c="dimmed">
          {a.tenantName}
        </Text>
      )}
    </Stack>
  );
}

function EvidenceCell({ account: a }: { account: SharingAccount }) {
  const top = topEvidence(a.evidence);
  return (
    <Stack gap={4} maw={520}>
      {top ? (
        <Text size="sm">
          <Text span fw={600}>
            {signalLabel(top.signal)} (+{top.points})
          </Text>
          {' — '}
          {top.summary}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          No signal
        </Text>
      )}
      <Group gap={4}>
        {a.evidence.length > 1 && (
          <Text size="xs" c="dimmed">
            +{a.evidence.length - 1} more signal{a.evidence.length > 2 ? 's' : ''}
          </Text>
        )}
        {a.flags.map((f) => (
          <Badge key={f.flag} size="xs" variant="outline" color="gray" title={f.summary}>
            {flagLabel(f.flag)}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}

function Last24Hours({ account: a, withLabel = false }: { account: SharingAccount; withLabel?: boolean }) {
  return (
    <Text size="sm">
      {withLabel && 'Last 24 hours: '}
      {a.networks24h} network{a.networks24h === 1 ? '' : 's'}, {a.countries24h} countr{a.countries24h === 1 ? 'y' : 'ies'}
      {a.devicesNew7d > 0 && (
        <Text span size="xs" c="dimmed" display="block">
          {a.devicesNew7d} new device{a.devicesNew7d === 1 ? '' : 's'} in 7 days
        </Text>
      )}
    </Text>
  );
}

/**
 * Accounts likely shared across households (issue 16 part 3): highest score first, the evidence that weighs most,
 * filters kept in the address (a filtered list can be shared), pages, and the same list as CSV.
 */
const ALL_TENANTS = 'all';

export function SharingPage() {
  const [params, setParams] = useSearchParams();
  const { tenants, tenantId: currentTenant, tenantName } = useCurrentTenant();
  const minScore = params.get('minScore') ?? '1';
  // The tenant picked in the header, unless this page's own filter says another (or `all`, every tenant).
  const tenantParam = params.get('tenantId');
  const tenantFilter = tenantParam === ALL_TENANTS ? undefined : (tenantParam ?? currentTenant ?? undefined);
  const applicationId = params.get('applicationId') ?? undefined;
  const showReviewed = params.get('reviewed') === 'all';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const applications = useApplications(tenantFilter ?? null);

  const query = useMemo<SharingQuery>(
    () => ({
      minScore: Number(minScore),
      ...(tenantFilter ? { tenantId: tenantFilter } : {}),
      ...(applicationId ? { applicationId } : {}),
      ...(showReviewed ? {} : { reviewed: 'false' as const }),
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    [minScore, tenantFilter, applicationId, showReviewed, page],
  );
  const accounts = useSharingAccounts(query);

  /** Any filter change goes back to the first page. */
  const setFilter = (key: string, value: string | null | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        if (key === 'tenantId') next.delete('applicationId');
        next.delete('page');
        return next;
      },
      { replace: true },
    );
  const setPage = (n: number) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (n > 1) next.set('page', String(n));
      else next.delete('page');
      return next;
    });

  const showTenant = tenants.length > 1;
  const columns: Array<Column<SharingAccount>> = [
    { header: 'Score', cell: (a) => <ScoreBadge score={a.score} />, td: { w: 80 } },
    { header: 'Account', cell: (a) => <AccountCell account={a} showTenant={showTenant} /> },
    { header: 'Top evidence', cell: (a) => <EvidenceCell account={a} /> },
    { header: 'Last 24 hours', wide: true, cell: (a) => <Last24Hours account={a} /> },
    { header: 'Last start', wide: true, cell: (a) => <Text size="sm">{formatDateTime(a.lastStartAt)}</Text> },
    { header: 'Review', cell: (a) => <ReviewBadge account={a} />, td: { miw: 150 } },
  ];
  /** On a phone: the same facts, top to bottom. */
  const phoneCard = (a: SharingAccount) => (
    <Stack gap="xs">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ScoreBadge score={a.score} />
        <AccountCell account={a} showTenant={showTenant} />
      </Group>
      <EvidenceCell account={a} />
      <Last24Hours account={a} withLabel />
      <Group justify="space-between" align="flex-start" gap="xs">
        <Text size="xs" c="dimmed">
          Last start {formatDateTime(a.lastStartAt)}
        </Text>
        <ReviewBadge account={a} />
      </Group>
    </Stack>
  );

  const filtered = minScore !== '1' || !!tenantParam || !!applicationId;
  return (
    <Page
      title="Sharing"
      description={`Accounts that look played by more than one household: networks, countries, streams at once on several networks, impossible travel and new devices, over 30 days. ${TIME_ZONE_NOTE}.`}
      actions={
        <Button
          component="a"
          href={sharingCsvUrl(query)}
          download
          variant="light"
          leftSection={<IconDownload size={16} />}
          title="The accounts matching these filters, up to 200, as CSV"
        >
          Download CSV
        </Button>
      }
    >
      <Card withBorder radius="md">
        <Group align="flex-end" wrap="wrap" gap="md">
          <Select
            label="Minimum score"
            data={MIN_SCORES}
            value={minScore}
            onChange={(v) => setFilter('minScore', v === '1' ? null : v)}
            allowDeselect={false}
            w={260}
          />
          {tenants.length > 1 && (
            <Select
              label="Tenant"
              data={[{ value: ALL_TENANTS, label: 'All tenants' }, ...tenants.map((t) => ({ value: t.id, label: t.name }))]}
              value={tenantFilter ?? ALL_TENANTS}
              onChange={(v) => setFilter('tenantId', v === currentTenant ? null : v)}
              allowDeselect={false}
              w={220}
            />
          )}
          <Select
            label="Application"
            placeholder="All applications"
            data={(applications.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
            value={applicationId ?? null}
            onChange={(v) => setFilter('applicationId', v)}
            clearable
            searchable
            w={240}
            disabled={!tenantFilter}
            description={!tenantFilter ? 'Pick a tenant first' : tenants.length > 1 ? `Of ${tenantName(tenantFilter)}` : undefined}
          />
          <Switch
            label="Show reviewed accounts"
            checked={showReviewed}
            onChange={(e) => setFilter('reviewed', e.currentTarget.checked ? 'all' : null)}
            mb={8}
          />
        </Group>
      </Card>
      <DataTable
        query={accounts}
        rows={(d) => d.items}
        rowKey={(a) => `${a.tenantId}/${a.idp}/${a.subject}`}
        rowHref={(a) => sharingAccountHref(a)}
        columns={columns}
        label="Accounts with sharing signals"
        minWidth={900}
        phoneCard={phoneCard}
        empty={
          <Empty title={filtered ? 'No account matches these filters' : showReviewed ? 'No sharing signal' : 'Nothing to review'}>
            {filtered
              ? 'Lower the minimum score or clear the tenant and application filters.'
              : showReviewed
                ? 'No account has played from several households in 30 days.'
                : 'Every account with signals has been reviewed, or none has any. Turn on "Show reviewed accounts" to see reviewed ones.'}
          </Empty>
        }
        footer={(d) => (
          <Group justify="space-between" p="sm" wrap="wrap">
            <Text size="sm" c="dimmed" data-testid="sharing-range">
              {d.total === 0
                ? 'No account'
                : `${d.offset + 1}–${d.offset + d.items.length} of ${d.total} account${d.total === 1 ? '' : 's'}`}
              {accounts.isFetching && !accounts.isPending ? ' · updating…' : ''}
            </Text>
            {d.total > PAGE_SIZE && (
              <Pagination
                total={Math.ceil(d.total / PAGE_SIZE)}
                value={page}
                onChange={setPage}
                size="sm"
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
              />
            )}
          </Group>
        )}
      />
    </Page>
  );
}
