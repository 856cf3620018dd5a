import { Throttle } from './throttle';

describe(Throttle.name, () => {
  let now: number;
  const clock = { now: () => now };
  const T0 = Date.parse('2031-03-04T05:06:00Z');

  beforeEach(() => (now = T0));

  it("replays Adobe's session-level scenario: the window opens at the first call, not at the clock minute", () => {
    const sut = new Throttle(200, clock);
    const at = (second: number, calls: number) => {
      now = T0 + second * 1000;
      return Array.from({ length: calls }, () => sut.hit('session1'));
    };
    expect(at(10, 50).every((r) => r === 0)).toBe(true);
    const second50 = at(50, 151);
    expect(second50.slice(0, 150).every((r) => r === 0)).toBe(true);
    expect(second50[150]).toBe(T0 + 70_000);
    expect(at(61, 1)).toEqual([T0 + 70_000]); // a new clock minute, same window
    expect(at(70, 1)).toEqual([0]); // 60 s after the first call: a new window
  });

  it('keeps keys apart', () => {
    const sut = new Throttle(1, clock);
    expect(sut.hit('a')).toBe(0);
    expect(sut.hit('b')).toBe(0);
    expect(sut.hit('a')).toBe(T0 + 60_000);
  });

  it('counts a window that spans a rotation of its generations to its end', () => {
    const sut = new Throttle(2, clock);
    sut.hit('other'); // opens the first generation at T0
    now = T0 + 59_000;
    expect(sut.hit('k')).toBe(0);
    now = T0 + 61_000; // rotation: k's window moves to the previous generation
    expect(sut.hit('k')).toBe(0);
    expect(sut.hit('k')).toBe(T0 + 119_000);
    now = T0 + 119_000;
    expect(sut.hit('k')).toBe(0);
  });

  it('forgets closed windows whole, without a scan', () => {
    const sut = new Throttle(1, clock);
    for (let i = 0; i < 1000; i++) sut.hit(`key-${i}`);
    now = T0 + 61_000;
    sut.hit('x');
    now = T0 + 122_000;
    sut.hit('y');
    const sizes = sut as unknown as { current: Map<string, unknown>; previous: Map<string, unknown> };
    expect(sizes.current.size + sizes.previous.size).toBe(2);
    expect(sut.hit('key-1')).toBe(0);
  });

  it('starts over when the clock jumps back', () => {
    const sut = new Throttle(1, clock);
    sut.hit('k');
    now = T0 - 3600_000;
    expect(sut.hit('k')).toBe(0);
    expect(sut.hit('k')).toBe(T0 - 3600_000 + 60_000);
  });
});
