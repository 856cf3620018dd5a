import { Badge, Code, Group, List, Paper, Stack, Text } from '@mantine/core';
import { formatDateTime } from '../../components/time';
import type { Decision } from './api';

type Rule = Decision['rules'][number];

const OUTCOME = {
  denied: { color: 'orange', label: 'Denied' },
  dismissed: { color: 'grape', label: 'Dismissed' },
} as const;

/** "at most 3 streams per account", "at most 2 distinct deviceId per channel". */
export function describeLimit(rule: Pick<Rule, 'threshold' | 'attribute' | 'scope'>): string {
  const what = rule.attribute === 'streamId' ? (rule.threshold === 1 ? 'stream' : 'streams') : `distinct ${rule.attribute}`;
  const per = rule.scope.length > 0 ? ` per ${rule.scope.join(' and ')}` : ' per account';
  return `at most ${rule.threshold} ${what}${per}`;
}

/** What the device asked and what happened, in a sentence. */
export function describeDecision(d: Decision): string {
  return d.outcome === 'denied'
    ? `${d.deviceName} asked for a new stream on ${d.applicationName} and was refused`
    : `The stream on ${d.deviceName} (${d.applicationName}) was ended by the policies`;
}

/** One denial or dismissal: when, which device, the rule with its message, and the streams that held the places. */
export function DecisionCard({ decision: d }: { decision: Decision }) {
  return (
    <Paper withBorder radius="md" p="sm" component="article" aria-label={`${OUTCOME[d.outcome].label} at ${formatDateTime(d.at)}`}>
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <Badge color={OUTCOME[d.outcome].color}>{OUTCOME[d.outcome].label}</Badge>
          <Text size="sm" fw={500}>
            {formatDateTime(d.at)}
          </Text>
        </Group>
        <Text size="sm">{describeDecision(d)}.</Text>
        {d.rules.map((rule, i) => (
          <Stack key={i} gap={4} pl="sm" style={{ borderLeft: '3px solid var(--mantine-color-orange-3)' }}>
            <Text size="sm">
              Rule <b>{rule.ruleName}</b> of policy <b>{rule.policyName}</b> ({describeLimit(rule)}): “{rule.message}”
            </Text>
            {rule.conflicts.length === 0 ? (
              <Text size="sm" c="dimmed">
                No stream held a place (a limit of {rule.threshold} allows none here).
              </Text>
            ) : (
              <>
                <Text size="sm" fw={500}>
                  Conflicting streams ({rule.conflicts.length})
                </Text>
                <List size="sm" spacing={2} aria-label={`Conflicting streams of rule ${rule.ruleName}`}>
                  {rule.conflicts.map((c) => (
                    <List.Item key={`${c.key}/${c.terminationCode}`}>
                      <b>{c.deviceName}</b> · channel {c.channel} · {c.applicationName} · started {formatDateTime(c.startedAt)} · code{' '}
                      <Code>{c.terminationCode}</Code>
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </Stack>
        ))}
        {d.rules.length === 0 && (
          <Text size="sm" c="dimmed">
            The rule was not recorded.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
