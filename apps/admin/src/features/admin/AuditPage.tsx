import { Button, Card, Code, Group, Select, Text, TextInput, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { formatDateTime, Page } from '../../components/page';
import { TIME_ZONE_NOTE } from '../../components/time';
import { DataTable } from '../../components/data-table';
import { Empty } from '../../components/states';
import { usePolicies } from '../policies/hooks';
import { useCurrentTenant } from '../tenants/current-tenant';
import type { AuditFilters, AuditRecord } from './api';
import { useAudit } from './hooks';

const DAY_MS = 86_400_000;
/** The start (00:00 UTC) of the day `yyyy-mm-dd`, moved by `days`, as an ISO date-time. */
const startOfDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString();
/** The UTC day of an ISO date-time, moved by `days`, as `yyyy-mm-dd` (what a date input shows). */
const dayOf = (iso: string | undefined, days = 0) => (iso ? new Date(Date.parse(iso) + days * DAY_MS).toISOString().slice(0, 10) : '');

const TARGET_TYPES = ['tenant', 'application', 'policy', 'operator', 'token', 'session'];

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (!before && !after) return <Text c="dimmed">—</Text>;
  const text = JSON.stringify({ ...(before ? { before } : {}), ...(after ? { after } : {}) }, null, 1);
  return (
    <Tooltip label={<pre style={{ margin: 0, maxWidth: 480, whiteSpace: 'pre-wrap' }}>{text}</pre>} multiline withinPortal>
      <Code style={{ display: 'block', maxWidth: 320, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {text.replace(/\s+/g, ' ')}
      </Code>
    </Tooltip>
  );
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** What an entry changed, by name: "policy demo-policy", "session of Cable_SSO / family-42 on Living room TV". */
export function targetName(e: AuditRecord, tenantName: (id: string) => string, known: Map<string, string> = new Map()): string {
  const before = asRecord(e.before);
  const after = asRecord(e.after);
  const pick = (key: string) => text(after[key]) ?? text(before[key]);
  if (e.targetType === 'session') {
    const idp = pick('idp');
    const subject = pick('subject');
    const metadata = asRecord(before.metadata);
    const device = text(metadata.deviceName) ?? text(metadata.deviceId);
    return idp && subject ? `stream of ${idp} / ${subject}${device ? ` on ${device}` : ''}` : 'stream';
  }
  if (e.targetType === 'tenant') return `tenant ${pick('name') ?? tenantName(e.targetId)}`;
  const name = pick('name') ?? pick('email') ?? known.get(e.targetId);
  return name ? `${e.targetType} ${name}` : e.targetType;
}

export function AuditPage() {
  const { tenants, tenantName, tenantId } = useCurrentTenant();
  const policies = usePolicies(tenantId);
  const known = new Map((policies.data ?? []).map((p) => [p.id, p.name]));
  const [filters, setFilters] = useState<AuditFilters>({ limit: 50 });
  const [cursors, setCursors] = useState<string[]>([]);
  const audit = useAudit(filters);
  const set = (patch: Partial<AuditFilters>) => {
    setCursors([]);
    setFilters((f) => {
      const next: AuditFilters = { ...f, ...patch, cursor: undefined };
      for (const key of Object.keys(next) as Array<keyof AuditFilters>) if (next[key] === '' || next[key] === null) delete next[key];
      return next;
    });
  };
  return (
    <Page title="Audit log" description={`Who changed what, newest first. ${TIME_ZONE_NOTE}.`}>
      <Card withBorder radius="md">
        <Group align="flex-end" wrap="wrap">
          {tenants.length > 1 && (
            <Select
              label="Tenant"
              placeholder="All tenants"
              data={tenants.map((t) => ({ value: t.id, label: t.name }))}
              value={filters.tenantId ?? null}
              onChange={(v) => set({ tenantId: v ?? undefined })}
              clearable
              w={200}
            />
          )}
          <Select
            label="Target type"
            placeholder="Any"
            data={TARGET_TYPES}
            value={filters.targetType ?? null}
            onChange={(v) => set({ targetType: v ?? undefined })}
            clearable
            w={160}
          />
          <TextInput label="Target id" value={filters.targetId ?? ''} onChange={(e) => set({ targetId: e.currentTarget.value })} w={220} />
          {/* Whole UTC days, both included: the API's `to` is exclusive, so To sends the start of the next day. */}
          <TextInput
            label="From (UTC day)"
            type="date"
            value={dayOf(filters.from)}
            onChange={(e) => set({ from: e.currentTarget.value ? startOfDay(e.currentTarget.value, 0) : undefined })}
          />
          <TextInput
            label="To (UTC day, included)"
            type="date"
            value={dayOf(filters.to, -1)}
            onChange={(e) => set({ to: e.currentTarget.value ? startOfDay(e.currentTarget.value, 1) : undefined })}
          />
        </Group>
      </Card>
      <DataTable
        query={audit}
        rows={(page) => page.items}
        rowKey={(e) => e.id}
        label="Audit log"
        empty={<Empty title="No audit entries match" />}
        minWidth={900}
        keyboardScroll
        verticalSpacing="xs"
        columns={[
          { header: 'When', td: { style: { whiteSpace: 'nowrap' } }, cell: (e) => formatDateTime(e.at) },
          {
            header: 'Who',
            wide: true,
            cell: (e) => (
              <>
                <Text size="sm">{e.actorEmail}</Text>
                {e.actorTokenId && (
                  <Text size="xs" c="dimmed">
                    with an API token
                  </Text>
                )}
              </>
            ),
          },
          { header: 'Action', cell: (e) => e.action },
          {
            header: 'Target',
            cell: (e) => (
              <>
                <Text size="sm">{targetName(e, tenantName, known)}</Text>
                <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {e.targetId}
                </Text>
              </>
            ),
          },
          { header: 'Tenant', wide: true, cell: (e) => (e.tenantId ? tenantName(e.tenantId) : '—') },
          { header: 'Change', wide: true, cell: (e) => <Change before={e.before} after={e.after} /> },
        ]}
        footer={(page) => (
          <Group justify="flex-end" p="sm">
            <Button
              variant="default"
              size="xs"
              disabled={cursors.length === 0}
              onClick={() => {
                const previous = cursors.slice(0, -1);
                setCursors(previous);
                setFilters((f) => ({ ...f, cursor: previous[previous.length - 1] }));
              }}
            >
              Newer
            </Button>
            <Button
              variant="default"
              size="xs"
              disabled={!page.nextCursor}
              onClick={() => {
                if (!page.nextCursor) return;
                setCursors((c) => [...c, page.nextCursor!]);
                setFilters((f) => ({ ...f, cursor: page.nextCursor! }));
              }}
            >
              Older
            </Button>
          </Group>
        )}
      />
    </Page>
  );
}
