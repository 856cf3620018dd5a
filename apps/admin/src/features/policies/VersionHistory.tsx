import { Box, Card, Group, Select, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Empty, QueryState } from '../../components/states';
import { formatDateTime } from '../../components/time';
import { diffLines, versionText } from './diff';
import { usePolicyVersions } from './hooks';

const COLORS = { added: 'var(--mantine-color-green-1)', removed: 'var(--mantine-color-red-1)', same: 'transparent' };
const SIGNS = { added: '+', removed: '-', same: ' ' };

/** Every saved version of a policy, and a line diff between any two. */
export function VersionHistory({ policyId }: { policyId: string }) {
  const versions = usePolicyVersions(policyId);
  return (
    <QueryState query={versions} isEmpty={(v) => v.length === 0} empty={<Empty title="No versions yet" />}>
      {(list) => <VersionDiff versions={list} />}
    </QueryState>
  );
}

function VersionDiff({
  versions,
}: {
  versions: Array<{ version: number; name: string; description: string; rules: unknown[]; createdAt: string }>;
}) {
  const sorted = useMemo(() => [...versions].sort((a, b) => b.version - a.version), [versions]);
  const [to, setTo] = useState(String(sorted[0].version));
  const [from, setFrom] = useState(String(sorted[1]?.version ?? sorted[0].version));
  const options = sorted.map((v) => ({ value: String(v.version), label: `v${v.version} — ${formatDateTime(v.createdAt)}` }));
  const a = sorted.find((v) => String(v.version) === from) ?? sorted[0];
  const b = sorted.find((v) => String(v.version) === to) ?? sorted[0];
  const lines = diffLines(versionText(a), versionText(b));
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <Stack gap="sm">
      <Group align="flex-end" wrap="wrap">
        <Select label="Compare version" data={options} value={from} onChange={(v) => v && setFrom(v)} allowDeselect={false} w={280} />
        <Select label="with version" data={options} value={to} onChange={(v) => v && setTo(v)} allowDeselect={false} w={280} />
        <Text size="sm" c="dimmed" pb={8}>
          {changed === 0 ? 'No differences' : `${changed} changed line${changed === 1 ? '' : 's'}`}
        </Text>
      </Group>
      <Card
        withBorder
        p={0}
        radius="md"
        aria-label={`Differences between version ${a.version} and version ${b.version}`}
        component="section"
      >
        {/* Long lines scroll sideways: the keyboard reaches the block to scroll it (arrow keys). */}
        <Box component="pre" m={0} p="sm" style={{ fontSize: 12, overflowX: 'auto' }} data-testid="version-diff" tabIndex={0}>
          {lines.map((l, i) => (
            <div key={i} style={{ background: COLORS[l.kind] }} data-kind={l.kind}>
              {SIGNS[l.kind]} {l.text}
            </div>
          ))}
        </Box>
      </Card>
    </Stack>
  );
}
