import { HashSlots, hashPassword, needsRehash, PasswordHashingBusyError, verifyPassword } from './passwords';

/** Made by the `argon2` package (node-argon2 0.45, its defaults: argon2id, 64 MiB, t=3, p=4) before we moved off it. */
const LEGACY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$UvqmCtw2KeQAmxIky/aP0g$My9OO4iPrA/Mih0l6B/w6fllO/8Cvs5Nab1KOkvWkMo';
const LEGACY_PASSWORD = 'correct horse battery staple';

describe('passwords', () => {
  it('verifies a hash made by the former argon2 library, and marks it for rehashing', async () => {
    expect(await verifyPassword(LEGACY_HASH, LEGACY_PASSWORD)).toBe(true);
    expect(await verifyPassword(LEGACY_HASH, 'not the password')).toBe(false);
    expect(needsRehash(LEGACY_HASH)).toBe(true);
  });

  it("hashes with OWASP's argon2id parameters (19 MiB, t=2, p=1)", async () => {
    const hashed = await hashPassword('a long enough password');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(hashed)).toBe(false);
    expect(await verifyPassword(hashed, 'a long enough password')).toBe(true);
    expect(await verifyPassword(null, 'a long enough password')).toBe(false);
  });
});

describe(HashSlots.name, () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  };

  it('runs at most `max` tasks at once and refuses past the waiting room when asked to', async () => {
    const sut = new HashSlots(2, 1);
    let running = 0;
    let most = 0;
    const release = gate();
    const task = () =>
      sut.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await release.opened;
        running -= 1;
        return true;
      }, true);
    const accepted = [task(), task(), task()];
    await expect(task()).rejects.toBeInstanceOf(PasswordHashingBusyError);
    // Callers that queue (hashing a new password) are never refused.
    const queued = sut.run(() => Promise.resolve('queued'), false);
    release.open();
    expect(await Promise.all(accepted)).toEqual([true, true, true]);
    expect(await queued).toBe('queued');
    expect(most).toBe(2);
  });
});
