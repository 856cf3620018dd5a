import { Throttle, THROTTLE_MAX_KEYS } from './throttle';

describe(`${Throttle.name} bounds`, () => {
  it('holds at most THROTTLE_MAX_KEYS keys, dropping the oldest', () => {
    const sut = new Throttle(1, { now: () => 30_000 });
    expect(sut.hit('first')).toBe(0);
    expect(sut.hit('first')).toBeGreaterThan(0);
    for (let i = 0; i < THROTTLE_MAX_KEYS; i++) sut.hit(`key-${i}`);
    // 'first' was the oldest key: its window went, so it starts afresh; the newest key is still counted.
    expect(sut.hit('first')).toBe(0);
    expect(sut.hit(`key-${THROTTLE_MAX_KEYS - 1}`)).toBeGreaterThan(0);
  });
});
