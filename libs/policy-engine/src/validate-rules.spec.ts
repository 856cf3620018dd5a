import { validateRules as sut } from './validate-rules';

const fields = (input: unknown) => {
  const result = sut(input);
  return result.ok ? [] : result.errors.map((e) => e.field);
};

describe(sut.name, () => {
  it('returns normalized rules with onConflict defaulting to reject', () => {
    const input = [
      { name: '3 streams cap', limit: 3 },
      {
        name: '2 per channel',
        limit: 2,
        countBy: 'deviceId',
        scope: ['channel'],
        where: [
          { attribute: 'contentType', op: 'eq', value: 'live' },
          { attribute: 'hd', op: 'exists' },
        ],
        onConflict: 'evict-oldest',
        message: 'Too many',
      },
      { name: 'nulls', limit: 0, countBy: null, message: '  ' },
    ];
    expect(sut(input)).toEqual({
      ok: true,
      rules: [
        { name: '3 streams cap', limit: 3, onConflict: 'reject' },
        { ...input[1] },
        { name: 'nulls', limit: 0, onConflict: 'reject' },
      ],
    });
  });

  it.each([
    [undefined, 'rules'],
    [{}, 'rules'],
    [[], 'rules'],
    [Array.from({ length: 51 }, (_, i) => ({ name: `r${i}`, limit: 1 })), 'rules'],
    [[null], 'rules[0]'],
    [[{ name: 'a', limit: 1, extra: 1 }], 'rules[0].extra'],
    [[{ limit: 1 }], 'rules[0].name'],
    [[{ name: ' ', limit: 1 }], 'rules[0].name'],
    [[{ name: 'x'.repeat(101), limit: 1 }], 'rules[0].name'],
    [
      [
        { name: 'a', limit: 1 },
        { name: 'a', limit: 2 },
      ],
      'rules[1].name',
    ],
    [[{ name: 'a' }], 'rules[0].limit'],
    [[{ name: 'a', limit: 1.5 }], 'rules[0].limit'],
    [[{ name: 'a', limit: -1 }], 'rules[0].limit'],
    [[{ name: 'a', limit: 10001 }], 'rules[0].limit'],
    [[{ name: 'a', limit: '3' }], 'rules[0].limit'],
    [[{ name: 'a', limit: 1, countBy: 'device id' }], 'rules[0].countBy'],
    [[{ name: 'a', limit: 1, scope: 'channel' }], 'rules[0].scope'],
    [[{ name: 'a', limit: 1, scope: Array.from({ length: 11 }, (_, i) => `s${i}`) }], 'rules[0].scope'],
    [[{ name: 'a', limit: 1, scope: ['channel', ''] }], 'rules[0].scope[1]'],
    [[{ name: 'a', limit: 1, scope: ['channel', 'channel'] }], 'rules[0].scope[1]'],
    [[{ name: 'a', limit: 1, where: {} }], 'rules[0].where'],
    [[{ name: 'a', limit: 1, where: Array.from({ length: 21 }, () => ({ attribute: 'a', op: 'exists' })) }], 'rules[0].where'],
    [[{ name: 'a', limit: 1, where: ['x'] }], 'rules[0].where[0]'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'like', value: 'x' }] }], 'rules[0].where[0].op'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a b', op: 'eq', value: 'x' }] }], 'rules[0].where[0].attribute'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'eq', value: 'x', not: true }] }], 'rules[0].where[0].not'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'eq', value: ['x'] }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'neq', value: 'x'.repeat(257) }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'in', value: [] }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'nin', value: [1] }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'in', value: Array(101).fill('x') }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, where: [{ attribute: 'a', op: 'exists', value: 'yes' }] }], 'rules[0].where[0].value'],
    [[{ name: 'a', limit: 1, onConflict: 'evict-newest' }], 'rules[0].onConflict'],
    [[{ name: 'a', limit: 1, message: 'x'.repeat(501) }], 'rules[0].message'],
    [[{ name: 'a', limit: 1, message: 3 }], 'rules[0].message'],
  ])('rejects %j at %s', (input, field) => {
    expect(fields(input)).toEqual([field]);
  });

  it('reports every error with a message that says what to fix', () => {
    const result = sut([
      { name: 'a', limit: 1 },
      { name: '', limit: 1.5, where: [{ attribute: 'type', op: 'in', value: 'live' }] },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'rules[1].name', message: 'must be a non-empty string of at most 100 characters' },
        { field: 'rules[1].limit', message: 'must be an integer between 0 and 10000' },
        {
          field: 'rules[1].where[0].value',
          message: 'must be a non-empty array of at most 100 strings (each at most 256 characters) for "in"',
        },
      ],
    });
  });

  it('accepts a limit taken from a claim, capped', () => {
    expect(sut([{ name: 'household', limit: 2, limitClaim: 'climit', maxLimit: 5 }])).toEqual({
      ok: true,
      rules: [{ name: 'household', limit: 2, limitClaim: 'climit', maxLimit: 5, onConflict: 'reject' }],
    });
    expect(
      sut([{ name: 'tier', limit: 1, countBy: 'claims.household', where: [{ attribute: 'claims.tier', op: 'eq', value: 'gold' }] }]).ok,
    ).toBe(true);
  });

  it.each([
    [{ limitClaim: 'claims.climit'.padEnd(60, 'x') }, 'rules[0].limitClaim'],
    [{ limitClaim: 'a b' }, 'rules[0].limitClaim'],
    [{ limitClaim: 3 }, 'rules[0].limitClaim'],
    [{ maxLimit: 5 }, 'rules[0].maxLimit'],
    [{ limitClaim: 'climit', maxLimit: 1 }, 'rules[0].maxLimit'],
    [{ limitClaim: 'climit', maxLimit: 2.5 }, 'rules[0].maxLimit'],
    [{ limitClaim: 'climit', maxLimit: 10_001 }, 'rules[0].maxLimit'],
  ])('refuses %j, naming %s', (extra, field) => {
    expect(fields([{ name: 'r', limit: 2, ...extra }])).toEqual([field]);
  });
});
