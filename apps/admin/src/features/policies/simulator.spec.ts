import { parseMetadata, splitClaims } from './simulator';

describe(splitClaims.name, () => {
  it('takes claims.* pairs apart as entitlement claims', () => {
    const { metadata } = parseMetadata('channel=news, claims.tier=premium, claims.climit=3');
    expect(splitClaims(metadata)).toEqual({ metadata: { channel: 'news' }, claims: { tier: 'premium', climit: '3' } });
  });

  it('sends no claims when there are none', () => {
    expect(splitClaims({ channel: 'news' })).toEqual({ metadata: { channel: 'news' } });
  });
});
