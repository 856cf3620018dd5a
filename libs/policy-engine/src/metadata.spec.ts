import { claimsRead, missingMetadata, requiredClaims, requiredMetadata as sut } from './metadata';
import { policy, rule } from './spec-helpers';

describe(sut.name, () => {
  it('lists every attribute rules name, unique and sorted by plain < order', () => {
    const policies = [
      policy([rule({ countBy: 'deviceId', scope: ['channel'] }), rule({ where: [{ attribute: 'Zone', op: 'exists' }] })]),
      { rules: [rule({ countBy: 'channel', where: [{ attribute: 'contentType', op: 'in', value: ['live'] }] })] },
    ];
    expect(sut(policies)).toEqual(['Zone', 'channel', 'contentType', 'deviceId']);
  });

  it('is empty for stream-count rules', () => {
    expect(sut([policy([rule()])])).toEqual([]);
  });
});

describe(missingMetadata.name, () => {
  it('lists required attributes absent from the metadata, even those only used by neq/nin/exists', () => {
    const policies = [policy([rule({ countBy: 'deviceId', where: [{ attribute: 'type', op: 'neq', value: 'vod' }] })])];
    expect(missingMetadata({ deviceId: '' }, policies)).toEqual(['type']);
    expect(missingMetadata({ deviceId: 'd', type: 'live' }, policies)).toEqual([]);
  });
});

describe('entitlement claims', () => {
  const policies = [
    policy([
      rule({ countBy: 'claims.household', scope: ['channel'], where: [{ attribute: 'claims.tier', op: 'eq', value: 'premium' }] }),
      rule({ limit: 2, limitClaim: 'climit' }),
    ]),
  ];

  it('are not player metadata', () => {
    expect(sut(policies)).toEqual(['channel']);
    expect(missingMetadata({ channel: 'news' }, policies)).toEqual([]);
  });

  it(`${requiredClaims.name} lists the claims rules name, ${claimsRead.name} adds the limit claims`, () => {
    expect(requiredClaims(policies)).toEqual(['household', 'tier']);
    expect(claimsRead(policies)).toEqual(['climit', 'household', 'tier']);
  });
});
