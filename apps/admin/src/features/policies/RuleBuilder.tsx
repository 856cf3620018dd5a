import {
  ActionIcon,
  Alert,
  Autocomplete,
  Button,
  Card,
  Checkbox,
  Group,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { WholeNumberInput } from '../../components/number-field';
import {
  attributeSuggestions,
  type ConditionDraft,
  emptyCondition,
  emptyRule,
  type RuleDraft,
  describeRule,
  ruleHasErrors,
  toRule,
} from './rules';

type Suggestions = ReturnType<typeof attributeSuggestions>;

const OPS = [
  { value: 'eq', label: 'equals' },
  { value: 'neq', label: 'does not equal' },
  { value: 'in', label: 'is one of' },
  { value: 'nin', label: 'is none of' },
  { value: 'exists', label: 'is set / not set' },
];

/** Every error under `path` (the path itself and its children), joined. */
function under(errors: Record<string, string>, path: string): string | undefined {
  const found = Object.entries(errors)
    .filter(([k]) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`))
    .map(([k, v]) => (k === path ? v : `${k.slice(path.length).replace(/^\./, '')}: ${v}`));
  return found.length ? found.join('; ') : undefined;
}

function ConditionRow({
  condition,
  index,
  path,
  errors,
  disabled,
  suggestions,
  onChange,
  onRemove,
}: {
  condition: ConditionDraft;
  index: number;
  path: string;
  errors: Record<string, string>;
  disabled?: boolean;
  suggestions: Suggestions;
  onChange: (c: ConditionDraft) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  return (
    <Group align="flex-start" gap="xs" wrap="wrap">
      <Autocomplete
        label={`Condition ${n} attribute`}
        placeholder="e.g. contentType or claims.tier"
        data={suggestions}
        value={condition.attribute}
        onChange={(attribute) => onChange({ ...condition, attribute })}
        error={errors[`${path}.attribute`]}
        disabled={disabled}
        w={190}
      />
      <Select
        label={`Condition ${n} operator`}
        data={OPS}
        value={condition.op}
        onChange={(op) => op && onChange({ ...condition, op: op as ConditionDraft['op'] })}
        error={errors[`${path}.op`]}
        disabled={disabled}
        allowDeselect={false}
        w={180}
      />
      {condition.op === 'in' || condition.op === 'nin' ? (
        <TagsInput
          label={`Condition ${n} values`}
          placeholder="Type a value, press Enter"
          value={condition.values}
          onChange={(values) => onChange({ ...condition, values })}
          error={under(errors, `${path}.value`)}
          disabled={disabled}
          style={{ flex: 1, minWidth: 200 }}
        />
      ) : condition.op === 'exists' ? (
        <Select
          label={`Condition ${n} presence`}
          data={[
            { value: 'true', label: 'set' },
            { value: 'false', label: 'not set' },
          ]}
          value={condition.value === 'false' ? 'false' : 'true'}
          onChange={(v) => onChange({ ...condition, value: v ?? 'true' })}
          disabled={disabled}
          allowDeselect={false}
          w={140}
        />
      ) : (
        <TextInput
          label={`Condition ${n} value`}
          placeholder="e.g. live"
          value={condition.value}
          onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
          error={errors[`${path}.value`]}
          disabled={disabled}
          style={{ flex: 1, minWidth: 160 }}
        />
      )}
      <Tooltip label="Remove this condition">
        <ActionIcon variant="subtle" color="red" mt={26} onClick={onRemove} disabled={disabled} aria-label={`Remove condition ${n}`}>
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

function RuleCard({
  rule,
  index,
  errors,
  disabled,
  suggestions,
  canRemove,
  onChange,
  onRemove,
}: {
  rule: RuleDraft;
  index: number;
  errors: Record<string, string>;
  disabled?: boolean;
  suggestions: Suggestions;
  canRemove: boolean;
  onChange: (r: RuleDraft) => void;
  onRemove: () => void;
}) {
  const path = `rules[${index}]`;
  const n = index + 1;
  const invalid = ruleHasErrors(errors, index);
  // An emptied limit is not 0 (Number('') is): the summary waits for a number rather than saying "At most NaN".
  const limitTyped = typeof rule.limit === 'number' || (rule.limit.trim() !== '' && Number.isFinite(Number(rule.limit)));
  const summary = limitTyped ? describeRule(toRule(rule)) : 'Type a limit to read this rule in plain words';
  return (
    <Card
      withBorder
      radius="md"
      p="md"
      style={invalid ? { borderColor: 'var(--mantine-color-red-5)' } : undefined}
      aria-label={`Rule ${n}`}
      component="section"
    >
      <Group justify="space-between" mb="xs">
        <div>
          <Text fw={600}>Rule {n}</Text>
          <Text size="xs" c="dimmed" data-testid={`rule-summary-${index}`}>
            {summary}
          </Text>
        </div>
        {canRemove && (
          <Button
            variant="subtle"
            color="red"
            size="xs"
            leftSection={<IconTrash size={14} />}
            onClick={onRemove}
            disabled={disabled}
            aria-label={`Remove rule ${n}`}
          >
            Remove
          </Button>
        )}
      </Group>
      {errors[path] && (
        <Text c="red" size="sm" role="alert">
          {errors[path]}
        </Text>
      )}
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={500} id={`rule-${index}-type-label`}>
            Rule {n} type
          </Text>
          <SegmentedControl
            aria-labelledby={`rule-${index}-type-label`}
            value={rule.type}
            onChange={(type) => onChange({ ...rule, type: type })}
            disabled={disabled}
            data={[
              { value: 'concurrency', label: 'Streams at once' },
              { value: 'device-registration', label: 'Registered devices' },
            ]}
          />
          {errors[`${path}.type`] && (
            <Text c="red" size="xs" role="alert">
              {errors[`${path}.type`]}
            </Text>
          )}
        </div>
        {rule.type === 'device-registration' ? (
          <DeviceRuleFields rule={rule} index={index} errors={errors} disabled={disabled} suggestions={suggestions} onChange={onChange} />
        ) : (
          <ConcurrencyRuleFields
            rule={rule}
            index={index}
            errors={errors}
            disabled={disabled}
            suggestions={suggestions}
            onChange={onChange}
          />
        )}
      </Stack>
    </Card>
  );
}

interface FieldsProps {
  rule: RuleDraft;
  index: number;
  errors: Record<string, string>;
  disabled?: boolean;
  suggestions: Suggestions;
  onChange: (r: RuleDraft) => void;
}

/** A device-registration rule: an account plays on at most `limit` registered devices; viewers swap within a quota. */
function DeviceRuleFields({ rule, index, errors, disabled, suggestions, onChange }: FieldsProps) {
  const path = `rules[${index}]`;
  const n = index + 1;
  return (
    <>
      <Group align="flex-start" grow wrap="wrap">
        <TextInput
          label={`Rule ${n} name`}
          placeholder="5 devices"
          value={rule.name}
          onChange={(e) => onChange({ ...rule, name: e.currentTarget.value })}
          error={errors[`${path}.name`]}
          disabled={disabled}
          required
        />
        <WholeNumberInput
          label={`Rule ${n} device limit`}
          description="Most registered devices per account"
          value={rule.limit}
          onChange={(limit) => onChange({ ...rule, limit })}
          error={errors[`${path}.limit`]}
          disabled={disabled}
          required
        />
      </Group>
      <Autocomplete
        label={`Rule ${n} device attribute`}
        description="The metadata that tells devices apart (players must send it)"
        placeholder="deviceId"
        data={suggestions.filter((g) => g.group.startsWith('Metadata'))}
        value={rule.by}
        onChange={(by) => onChange({ ...rule, by })}
        error={errors[`${path}.by`]}
        disabled={disabled}
      />
      <Checkbox
        label={`Rule ${n}: limit how often viewers remove devices`}
        description="Operators' removals from the account page never count"
        checked={rule.swapLimited}
        onChange={(e) => onChange({ ...rule, swapLimited: e.currentTarget.checked })}
        disabled={disabled}
      />
      {rule.swapLimited && (
        <Group align="flex-start" grow wrap="wrap">
          <WholeNumberInput
            label={`Rule ${n} removals allowed`}
            value={rule.swapMax}
            onChange={(swapMax) => onChange({ ...rule, swapMax })}
            error={errors[`${path}.swap.max`] ?? errors[`${path}.swap`]}
            disabled={disabled}
          />
          <WholeNumberInput
            label={`Rule ${n} removal window (days)`}
            value={rule.swapWindowDays}
            onChange={(swapWindowDays) => onChange({ ...rule, swapWindowDays })}
            error={errors[`${path}.swap.windowDays`]}
            disabled={disabled}
          />
        </Group>
      )}
      <TextInput
        label={`Rule ${n} message`}
        description="Shown to the player at the device limit; a default is used when empty"
        placeholder="Remove a device to watch here"
        value={rule.message}
        onChange={(e) => onChange({ ...rule, message: e.currentTarget.value })}
        error={errors[`${path}.message`]}
        disabled={disabled}
      />
    </>
  );
}

/** A concurrency rule: limit, counting, scope, conditions, who wins. */
function ConcurrencyRuleFields({ rule, index, errors, disabled, suggestions, onChange }: FieldsProps) {
  // 0 is a valid limit, but it refuses every stream the rule concerns: said before saving.
  const blocksAll = rule.limitFrom === 'fixed' && rule.limit !== '' && Number(rule.limit) === 0;
  const path = `rules[${index}]`;
  const n = index + 1;
  return (
    <>
      <Group align="flex-start" grow wrap="wrap">
        <TextInput
          label={`Rule ${n} name`}
          placeholder="2 devices per channel"
          value={rule.name}
          onChange={(e) => onChange({ ...rule, name: e.currentTarget.value })}
          error={errors[`${path}.name`]}
          disabled={disabled}
          required
        />
        <WholeNumberInput
          label={`Rule ${n} limit`}
          description="Most allowed at once"
          value={rule.limit}
          onChange={(limit) => onChange({ ...rule, limit })}
          error={errors[`${path}.limit`]}
          disabled={disabled}
          required
        />
      </Group>
      {blocksAll && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} role="status" data-testid={`rule-blocks-all-${index}`}>
          A limit of 0 refuses every stream this rule concerns: no account can play{rule.where.length ? ' when its conditions hold' : ''}.
        </Alert>
      )}
      <Checkbox
        label={`Rule ${n}: take the limit from an entitlement claim`}
        description="The account's own limit, e.g. its plan's number of screens; the limit above applies when the claim is absent"
        checked={rule.limitFrom === 'claim'}
        onChange={(e) => onChange({ ...rule, limitFrom: e.currentTarget.checked ? 'claim' : 'fixed' })}
        disabled={disabled}
      />
      {rule.limitFrom === 'claim' && (
        <Group align="flex-start" grow wrap="wrap">
          <TextInput
            label={`Rule ${n} claim giving the limit`}
            description="An integer claim of the entitlement token (without claims.)"
            placeholder="screens"
            value={rule.limitClaim}
            onChange={(e) => onChange({ ...rule, limitClaim: e.currentTarget.value })}
            error={errors[`${path}.limitClaim`]}
            disabled={disabled}
          />
          <WholeNumberInput
            label={`Rule ${n} maximum limit`}
            description="Caps the claim's value (optional)"
            value={rule.maxLimit}
            onChange={(maxLimit) => onChange({ ...rule, maxLimit })}
            error={errors[`${path}.maxLimit`]}
            disabled={disabled}
          />
        </Group>
      )}
      <Radio.Group label={`Rule ${n} counts`} value={rule.counting} onChange={(v) => onChange({ ...rule, counting: v })}>
        <Group mt={4}>
          <Radio value="streams" label="Streams" disabled={disabled} />
          <Radio value="distinct" label="Distinct values of an attribute" disabled={disabled} />
        </Group>
      </Radio.Group>
      {rule.counting === 'distinct' && (
        <Autocomplete
          label={`Rule ${n} attribute to count`}
          description="e.g. deviceId: at most N different devices; or an entitlement claim such as claims.household"
          placeholder="e.g. deviceId"
          data={suggestions}
          value={rule.countBy}
          onChange={(countBy) => onChange({ ...rule, countBy })}
          error={errors[`${path}.countBy`]}
          disabled={disabled}
        />
      )}
      <TagsInput
        label={`Rule ${n} scope`}
        description="The limit holds separately for each value of these attributes (empty: the whole account). Press Enter after each."
        placeholder={rule.scope.length ? 'Add another attribute' : 'Type an attribute name (e.g. channel), press Enter'}
        data={suggestions}
        value={rule.scope}
        onChange={(scope) => onChange({ ...rule, scope })}
        error={under(errors, `${path}.scope`)}
        disabled={disabled}
      />
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Conditions{' '}
          <Text span size="xs" c="dimmed">
            (the rule only concerns streams matching all of them)
          </Text>
        </Text>
        {rule.where.map((c, i) => (
          <ConditionRow
            key={i}
            condition={c}
            index={i}
            path={`${path}.where[${i}]`}
            errors={errors}
            disabled={disabled}
            suggestions={suggestions}
            onChange={(next) => onChange({ ...rule, where: rule.where.map((x, j) => (j === i ? next : x)) })}
            onRemove={() => onChange({ ...rule, where: rule.where.filter((_, j) => j !== i) })}
          />
        ))}
        {errors[`${path}.where`] && (
          <Text c="red" size="xs">
            {errors[`${path}.where`]}
          </Text>
        )}
        <Group>
          <Button
            variant="light"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange({ ...rule, where: [...rule.where, emptyCondition()] })}
            disabled={disabled}
          >
            Add condition to rule {n}
          </Button>
        </Group>
      </Stack>
      <Radio.Group
        label={`Rule ${n}: when the limit is reached`}
        value={rule.onConflict}
        onChange={(v) => onChange({ ...rule, onConflict: v })}
        error={errors[`${path}.onConflict`]}
      >
        <Group mt={4}>
          <Radio value="reject" label="First wins (the new stream is denied)" disabled={disabled} />
          <Radio value="evict-oldest" label="Latest wins (the oldest stream is dismissed)" disabled={disabled} />
        </Group>
      </Radio.Group>
      <TextInput
        label={`Rule ${n} message`}
        description="Shown to the player; a default is derived from the rule when empty"
        placeholder="Too many devices on this channel"
        value={rule.message}
        onChange={(e) => onChange({ ...rule, message: e.currentTarget.value })}
        error={errors[`${path}.message`]}
        disabled={disabled}
      />
    </>
  );
}

/** Edits a policy's rules; `errors` are the server's field errors by path (`rules[0].limit` …). */
export function RuleBuilder({
  rules,
  onChange,
  errors = {},
  disabled,
}: {
  rules: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
  errors?: Record<string, string>;
  disabled?: boolean;
}) {
  const suggestions = attributeSuggestions(rules);
  return (
    <Stack gap="md">
      {errors.rules && (
        <Text c="red" size="sm" role="alert">
          {errors.rules}
        </Text>
      )}
      {rules.map((rule, i) => (
        <RuleCard
          key={i}
          rule={rule}
          index={i}
          errors={errors}
          disabled={disabled}
          suggestions={suggestions}
          canRemove={rules.length > 1}
          onChange={(next) => onChange(rules.map((r, j) => (j === i ? next : r)))}
          onRemove={() => onChange(rules.filter((_, j) => j !== i))}
        />
      ))}
      <Group>
        <Button
          variant="default"
          leftSection={<IconPlus size={16} />}
          onClick={() => onChange([...rules, emptyRule()])}
          disabled={disabled}
        >
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}
