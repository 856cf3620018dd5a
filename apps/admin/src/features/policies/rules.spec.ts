import { diffLines, versionText } from './diff';
import { describeRule, errorsByField, ruleHasErrors, toDraft, toRule } from './rules';
import { parseMetadata } from './simulator';

describe('policy rules in the editor', () => {
  it('round-trips every kind of rule through the form draft', () => {
    const rules = [
      { name: 'cap', limit: 3, onConflict: 'reject' as const, message: 'Too many' },
      { name: 'devices', limit: 2, countBy: 'deviceId', scope: ['channel'], onConflict: 'evict-oldest' as const },
      {
        name: 'live',
        limit: 1,
        onConflict: 'reject' as const,
        where: [
          { attribute: 'contentType', op: 'in' as const, value: ['live', 'event'] },
          { attribute: 'hd', op: 'exists' as const, value: false },
          { attribute: 'tier', op: 'neq' as const, value: 'gold' },
        ],
      },
      { name: 'plan', limit: 2, limitClaim: 'screens', maxLimit: 6, countBy: 'claims.household', onConflict: 'reject' as const },
      { name: 'plan, uncapped', limit: 1, limitClaim: 'screens', onConflict: 'reject' as const },
    ];
    expect(rules.map((r) => toRule(toDraft(r)))).toEqual(rules);
  });

  it('sends a limit the user typed as text as a number, and an empty one as NaN for the server to name', () => {
    expect(toRule({ ...toDraft({ name: 'x', limit: 1, onConflict: 'reject' }), limit: '7' }).limit).toBe(7);
    expect(toRule({ ...toDraft({ name: 'x', limit: 1, onConflict: 'reject' }), limit: '' }).limit).toBeNaN();
  });

  it('describes rules in plain words', () => {
    expect(describeRule({ name: 'a', limit: 3, onConflict: 'reject' })).toBe('At most 3 streams per account; first wins');
    expect(
      describeRule({
        name: 'b',
        limit: 1,
        scope: ['channel', 'package'],
        where: [{ attribute: 'contentType', op: 'eq', value: 'live' }],
        onConflict: 'evict-oldest',
      }),
    ).toBe('At most 1 stream per channel and package when contentType is live; latest wins');
    expect(
      describeRule({
        name: 'c',
        limit: 2,
        countBy: 'deviceId',
        where: [
          { attribute: 'channel', op: 'in', value: ['news', 'sports'] },
          { attribute: 'package', op: 'nin', value: ['free'] },
          { attribute: 'hba', op: 'exists', value: false },
          { attribute: 'platform', op: 'neq', value: 'tv' },
        ],
        onConflict: 'reject',
      }),
    ).toBe(
      'At most 2 distinct deviceId per account when channel is one of news, sports and package is none of free and hba is not set and platform is not tv; first wins',
    );
  });

  it('indexes the server field errors by path and finds the rules they concern', () => {
    const errors = errorsByField([
      { field: 'rules[0].limit', message: 'must be an integer' },
      { field: 'rules[0].limit', message: 'must be at most 10000' },
      { field: 'rules[2].where[0].value', message: 'must be a non-empty array' },
    ]);
    expect(errors['rules[0].limit']).toBe('Must be an integer; Must be at most 10000');
    expect([0, 1, 2].map((i) => ruleHasErrors(errors, i))).toEqual([true, false, true]);
  });

  it('parses simulator metadata written as attribute=value pairs and names a bad pair', () => {
    expect(parseMetadata('channel=news, deviceId=tv;\nhd=1')).toEqual({ metadata: { channel: 'news', deviceId: 'tv', hd: '1' } });
    expect(parseMetadata('channel').error).toBe('"channel" is not attribute=value');
  });
});

describe(diffLines.name, () => {
  it('marks what changed between two versions, line by line', () => {
    const v1 = versionText({ name: 'p', description: '', rules: [{ name: 'r', limit: 2 }] });
    const v2 = versionText({ name: 'p', description: '', rules: [{ name: 'r', limit: 3 }] });
    const changed = diffLines(v1, v2).filter((l) => l.kind !== 'same');
    expect(changed).toEqual([
      { kind: 'removed', text: '      "limit": 2' },
      { kind: 'added', text: '      "limit": 3' },
    ]);
    expect(diffLines(v1, v1).every((l) => l.kind === 'same')).toBe(true);
  });
});
