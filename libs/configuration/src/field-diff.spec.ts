import { canonicalJson, fieldDiff, sameJson } from './field-diff';

describe(fieldDiff.name, () => {
  it('names a changed limit inside a list of rules as one field', () => {
    const before = { name: 'cap', rules: [{ name: 'a', limit: 3, onConflict: 'reject' }] };
    const after = { name: 'cap', rules: [{ name: 'a', limit: 2, onConflict: 'reject' }] };
    expect(fieldDiff(before, after)).toEqual([{ field: 'rules[0].limit', before: 3, after: 2 }]);
  });

  it('reports added and removed fields and list items without the side that is missing', () => {
    expect(
      fieldDiff(
        { rules: [{ name: 'a', limit: 1 }] },
        {
          rules: [
            { name: 'a', limit: 1, message: 'm' },
            { name: 'b', limit: 2 },
          ],
        },
      ),
    ).toEqual([
      { field: 'rules[0].message', after: 'm' },
      { field: 'rules[1]', after: { name: 'b', limit: 2 } },
    ]);
    expect(fieldDiff({ a: 1, b: [{ x: 1 }] }, { b: [] })).toEqual([
      { field: 'a', before: 1 },
      { field: 'b[0]', before: { x: 1 } },
    ]);
  });

  it('compares lists of plain values as a whole', () => {
    expect(fieldDiff({ scope: ['channel'] }, { scope: ['channel', 'deviceId'] })).toEqual([
      { field: 'scope', before: ['channel'], after: ['channel', 'deviceId'] },
    ]);
    expect(fieldDiff({ scope: ['a'] }, { scope: ['a'] })).toEqual([]);
  });
});

describe(sameJson.name, () => {
  it('ignores key order and undefined members', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }], u: undefined }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});

describe(canonicalJson.name, () => {
  it('is the same text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
  });
});
