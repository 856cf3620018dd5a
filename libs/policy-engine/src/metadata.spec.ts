import { missingMetadata, requiredMetadata as sut } from './metadata';
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
