import { checkConfiguration } from './document';

const base = () => ({
  version: 1,
  tenants: [
    {
      slug: 'acme',
      name: 'Acme',
      applications: [{ id: 'acme-web', name: 'Web', policies: ['cap'] }],
      policies: [{ name: 'cap', rules: [{ name: 'two', limit: 2 }] }],
    },
  ],
});

const errorsOf = (input: unknown) => {
  const result = checkConfiguration(input);
  return result.ok ? [] : result.errors;
};

describe(checkConfiguration.name, () => {
  it('fills in what an absent field means and normalizes rules as the policy engine does', () => {
    const result = checkConfiguration(base());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [tenant] = result.configuration.tenants;
    expect(tenant.applications[0]).toEqual({
      id: 'acme-web',
      settings: {
        name: 'Web',
        platform: 'web',
        heartbeatIntervalSeconds: 60,
        enabled: true,
        playbackTokens: { enabled: false },
        entitlements: null,
      },
      policies: ['cap'],
      path: 'tenants[0].applications[0]',
    });
    expect(tenant.policies[0]).toEqual({
      name: 'cap',
      description: '',
      rules: [{ name: 'two', limit: 2, onConflict: 'reject' }],
      sharedWith: [],
      path: 'tenants[0].policies[0]',
    });
  });

  it('names unknown fields by their own path, wherever they are', () => {
    const input = base() as any;
    input.colour = 'red';
    input.tenants[0].applications[0].secret = 'x';
    input.tenants[0].policies[0].rules[0].limitt = 3;
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        { field: 'colour', message: 'is not a known field' },
        { field: 'tenants[0].applications[0].secret', message: 'is not a known field' },
        { field: 'tenants[0].policies[0].rules[0].limitt', message: expect.stringContaining('is not a known rule field') },
      ]),
    );
  });

  it('checks rules with the policy engine and fields with the API request validation', () => {
    const input = base() as any;
    input.tenants[0].policies[0].rules[0].limit = -1;
    input.tenants[0].applications[0].heartbeatIntervalSeconds = 5;
    input.tenants[0].slug = 'Not A Slug';
    const fields = errorsOf(input).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'tenants[0].policies[0].rules[0].limit',
        'tenants[0].applications[0].heartbeatIntervalSeconds',
        'tenants[0].slug',
      ]),
    );
  });

  it('refuses duplicates and references the file cannot satisfy', () => {
    const input = base() as any;
    input.tenants.push({ slug: 'acme', name: 'Again', applications: [{ id: 'acme-web', name: 'Twice' }] });
    input.tenants[0].applications[0].policies = ['cap', 'nope', 'cap'];
    input.tenants[0].policies.push({ name: 'cap', rules: [{ name: 'x', limit: 1 }], sharedWith: ['acme', 'Bad Slug'] });
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        { field: 'tenants[1].slug', message: 'tenant slug "acme" appears twice (also at tenants[0].slug)' },
        { field: 'tenants[1].applications[0].id', message: expect.stringContaining('application id "acme-web" appears twice') },
        { field: 'tenants[0].policies[1].name', message: expect.stringContaining('policy name "cap" appears twice') },
        { field: 'tenants[0].applications[0].policies[1]', message: expect.stringContaining('no policy named "nope" in tenant acme') },
        { field: 'tenants[0].applications[0].policies[2]', message: 'names "cap" twice' },
        { field: 'tenants[0].policies[1].sharedWith[0]', message: 'is the tenant that owns the policy' },
        { field: 'tenants[0].policies[1].sharedWith[1]', message: 'must be a tenant slug or a tenant id (UUID)' },
      ]),
    );
  });

  it('refuses what is not a configuration at all', () => {
    expect(errorsOf(null)).toEqual([{ field: '', message: 'must be an object with "version" and "tenants"' }]);
    expect(errorsOf({ tenants: [] }).map((e) => e.field)).toEqual(['version']);
    expect(errorsOf({ version: 1, tenants: {} }).map((e) => e.field)).toContain('tenants');
  });
});
