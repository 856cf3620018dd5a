/** @jest-environment jsdom */
import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { renderWithProviders } from '../../../test/render';
import { RuleBuilder } from './RuleBuilder';
import { emptyRule, type RuleDraft, toRule } from './rules';

function Harness({
  initial,
  errors,
  onRules,
}: {
  initial: RuleDraft[];
  errors?: Record<string, string>;
  onRules: (r: RuleDraft[]) => void;
}) {
  const [rules, setRules] = useState(initial);
  return (
    <RuleBuilder
      rules={rules}
      errors={errors}
      onChange={(next) => {
        setRules(next);
        onRules(next);
      }}
    />
  );
}

/** The input labelled `label` (Mantine adds " *" to required ones; attribute fields are comboboxes, their option lists share the label). */
const field = (label: string) => {
  const inputs = screen.getAllByLabelText(new RegExp(`^${label}( \\*)?$`)).filter((element) => element.tagName === 'INPUT');
  if (inputs.length !== 1) throw new Error(`${inputs.length} inputs labelled "${label}"`);
  return inputs[0];
};

describe(RuleBuilder.name, () => {
  it('builds "2 devices per channel, latest wins" from labelled controls', () => {
    let latest: RuleDraft[] = [];
    // The scope tags input is typed into in the browser test (jsdom does not drive Mantine's TagsInput).
    renderWithProviders(<Harness initial={[{ ...emptyRule(), scope: ['channel'] }]} onRules={(r) => (latest = r)} />);
    fireEvent.change(field('Rule 1 name'), { target: { value: '2 devices per channel' } });
    fireEvent.change(field('Rule 1 limit'), { target: { value: '2' } });
    fireEvent.click(screen.getByLabelText('Distinct values of an attribute'));
    fireEvent.change(field('Rule 1 attribute to count'), { target: { value: 'deviceId' } });
    fireEvent.click(screen.getByLabelText('Latest wins (the oldest stream is dismissed)'));

    expect(latest.map(toRule)).toEqual([
      { name: '2 devices per channel', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' },
    ]);
    expect(screen.getByTestId('rule-summary-0').textContent).toBe('At most 2 distinct deviceId per channel; latest wins');
  });

  it('shows the server field errors next to the fields they name', () => {
    renderWithProviders(
      <Harness
        initial={[emptyRule(), { ...emptyRule(), where: [{ attribute: 'contentType', op: 'in', value: '', values: [] }] }]}
        errors={{ 'rules[0].limit': 'must be an integer between 0 and 10000', 'rules[1].where[0].value': 'must be a non-empty array' }}
        onRules={() => undefined}
      />,
    );
    expect(field('Rule 1 limit').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be an integer between 0 and 10000')).toBeTruthy();
    expect(screen.getByText('must be a non-empty array')).toBeTruthy();
    expect(field('Rule 2 limit').getAttribute('aria-invalid')).not.toBe('true');
  });

  it('adds and removes rules and conditions', () => {
    let latest: RuleDraft[] = [];
    renderWithProviders(<Harness initial={[emptyRule()]} onRules={(r) => (latest = r)} />);
    expect(screen.queryByRole('button', { name: 'Remove rule 1' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(latest).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Add condition to rule 2' }));
    fireEvent.change(field('Condition 1 attribute'), { target: { value: 'contentType' } });
    fireEvent.change(field('Condition 1 value'), { target: { value: 'live' } });
    expect(toRule(latest[1]).where).toEqual([{ attribute: 'contentType', op: 'eq', value: 'live' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    expect(latest).toHaveLength(1);
    expect(latest[0].where).toHaveLength(1);
  });

  it('offers entitlement claims and takes a limit from a claim', () => {
    let latest: RuleDraft[] = [];
    renderWithProviders(
      <Harness initial={[{ ...emptyRule(), name: 'plan', limit: 2, scope: ['claims.region'] }]} onRules={(r) => (latest = r)} />,
    );
    fireEvent.click(screen.getByLabelText('Rule 1: take the limit from an entitlement claim'));
    fireEvent.change(field('Rule 1 claim giving the limit'), { target: { value: 'screens' } });
    fireEvent.change(field('Rule 1 maximum limit'), { target: { value: '6' } });
    fireEvent.click(screen.getByLabelText('Distinct values of an attribute'));
    fireEvent.focus(field('Rule 1 attribute to count'));
    fireEvent.click(field('Rule 1 attribute to count'));
    expect(screen.getByRole('option', { name: 'claims.screens' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'claims.region' })).toBeTruthy();
    fireEvent.click(screen.getByRole('option', { name: 'claims.sub' }));
    expect(latest.map(toRule)).toEqual([
      { name: 'plan', limit: 2, limitClaim: 'screens', maxLimit: 6, countBy: 'claims.sub', scope: ['claims.region'], onConflict: 'reject' },
    ]);
    expect(screen.getByTestId('rule-summary-0').textContent).toBe(
      'At most the screens claim (≤ 6), else 2, distinct claims.sub per claims.region; first wins',
    );
  });
});
