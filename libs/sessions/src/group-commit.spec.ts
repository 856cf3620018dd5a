import { Failed, GroupCommit } from './group-commit';

/** A batch runner that records its batches and finishes them when told. */
function recorder() {
  const batches: Array<{ keys: string[]; finish: (answers?: Map<string, string | Failed>) => void; fail: (e: unknown) => void }> = [];
  const run = (items: Array<{ key: string; item: string }>) =>
    new Promise<Map<string, string | Failed>>((resolve, reject) => {
      batches.push({
        keys: items.map((i) => i.key),
        finish: (answers) => resolve(answers ?? new Map(items.map((i) => [i.key, `done ${i.item}`]))),
        fail: reject,
      });
    });
  return { batches, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(GroupCommit.name, () => {
  it('sends a lone call at once, and the calls that arrive meanwhile together in the next batch', async () => {
    const { batches, run } = recorder();
    const group = new GroupCommit(run, 'missing', 1, 100);
    const first = group.submit('a', 'A');
    expect(batches.map((b) => b.keys)).toEqual([['a']]);
    const later = ['b', 'c', 'd'].map((k) => group.submit(k, k.toUpperCase()));
    expect(batches).toHaveLength(1);
    expect(group.waiting).toBe(3);
    batches[0].finish();
    expect(await first).toBe('done A');
    await tick();
    expect(batches.map((b) => b.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    batches[1].finish();
    expect(await Promise.all(later)).toEqual(['done B', 'done C', 'done D']);
  });

  it('never puts one key twice in a batch, and caps the batch size', async () => {
    const { batches, run } = recorder();
    const group = new GroupCommit(run, 'missing', 1, 2);
    const calls = [group.submit('x', '1'), group.submit('x', '2'), group.submit('y', '3'), group.submit('z', '4')];
    batches[0].finish();
    await tick();
    expect(batches[1].keys).toEqual(['x', 'y']);
    batches[1].finish();
    await tick();
    expect(batches[2].keys).toEqual(['z']);
    batches[2].finish();
    expect(await Promise.all(calls)).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
  });

  it('answers the missing value for unanswered keys, rejects failed ones and whole failed batches', async () => {
    const { batches, run } = recorder();
    const group = new GroupCommit(run, 'missing', 2, 10);
    const a = group.submit('a', 'A');
    const b = group.submit('b', 'B');
    expect(batches).toHaveLength(2);
    const c = group.submit('c', 'C');
    const d = group.submit('d', 'D');
    batches[0].finish(new Map());
    expect(await a).toBe('missing');
    await tick();
    batches[2].finish(new Map([['c', new Failed(new Error('bad c'))]]));
    await expect(c).rejects.toThrow('bad c');
    expect(await d).toBe('missing');
    batches[1].fail(new Error('unreachable'));
    await expect(b).rejects.toThrow('unreachable');
  });
});
