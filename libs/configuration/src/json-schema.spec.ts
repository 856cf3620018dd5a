import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { CONFIG_SCHEMA_FILE, configurationJsonSchema } from './json-schema';

const root = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
/** The committed OpenAPI document; test/e2e/openapi.e2e-spec.ts checks it matches the API. */
const openapi = JSON.parse(read('libs/contracts/openapi.json')) as Parameters<typeof configurationJsonSchema>[0];

const example = {
  version: 1,
  tenants: [
    {
      slug: 'acme',
      name: 'Acme',
      applications: [{ id: 'acme-web', name: 'Web', heartbeatIntervalSeconds: 30, policies: ['cap'] }],
      policies: [
        {
          name: 'cap',
          rules: [{ name: 'two', limit: 2, countBy: 'deviceId', where: [{ attribute: 'contentType', op: 'in', value: ['live'] }] }],
          sharedWith: ['partner'],
        },
      ],
    },
  ],
};

describe(configurationJsonSchema.name, () => {
  it(`is what ${CONFIG_SCHEMA_FILE} holds (run npm run openapi after changing a DTO)`, () => {
    expect(`${JSON.stringify(configurationJsonSchema(openapi), null, 2)}\n`).toBe(read(CONFIG_SCHEMA_FILE));
  });

  it('accepts a configuration and refuses unknown fields and out-of-range values, as the API does', () => {
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(configurationJsonSchema(openapi));
    expect(validate(example)).toBe(true);
    const entitled = structuredClone(example) as any;
    entitled.tenants[0].applications[0].entitlements = {
      issuer: 'https://id.example.com',
      audience: 'cm',
      jwksUrl: 'https://id.example.com/jwks',
    };
    expect(validate(entitled)).toBe(true);
    entitled.tenants[0].applications[0].entitlements = null;
    expect(validate(entitled)).toBe(true);

    const unknown = structuredClone(example) as any;
    unknown.tenants[0].applications[0].colour = 'blue';
    unknown.tenants[0].policies[0].rules[0].limitt = 1;
    expect(validate(unknown)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining([
        '/tenants/0/applications/0 must NOT have additional properties',
        '/tenants/0/policies/0/rules/0 must NOT have additional properties',
      ]),
    );

    const out = structuredClone(example) as any;
    out.tenants[0].applications[0].heartbeatIntervalSeconds = 5;
    out.tenants[0].policies[0].rules[0].limit = 1.5;
    out.tenants[0].slug = 'Not a slug';
    expect(validate(out)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining([
        '/tenants/0/applications/0/heartbeatIntervalSeconds',
        '/tenants/0/policies/0/rules/0/limit',
        '/tenants/0/slug',
      ]),
    );
  });
});
