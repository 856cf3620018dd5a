import { type Actor, canAccessTenant, visibleTenants } from './actor';
import { redact } from './audit.service';

const actor = (role: Actor['role'], tenantId: string | null): Actor => ({ kind: 'operator', operatorId: 'o', email: 'e', role, tenantId });

describe('tenant access', () => {
  it('gives an admin every tenant and others only their own', () => {
    expect(canAccessTenant(actor('admin', null), 't1')).toBe(true);
    expect(canAccessTenant(actor('tenant-admin', 't1'), 't1')).toBe(true);
    expect(canAccessTenant(actor('viewer', 't1'), 't2')).toBe(false);
    expect(visibleTenants(actor('admin', null))).toBe('all');
    expect(visibleTenants(actor('viewer', 't1'))).toEqual(['t1']);
  });
});

describe(redact.name, () => {
  it('drops secrets and hashes at any depth, keeps the rest', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(
      redact({
        name: 'a',
        secret: 's',
        secretHash: 'h',
        requireSecret: true,
        nested: [{ password: 'p', passwordHash: 'x', token: 't', at }],
      }),
    ).toEqual({ name: 'a', requireSecret: true, nested: [{ at: '2026-01-02T03:04:05.000Z' }] });
  });
});
