import { parseDevices, parseMetadata, splitClaims } from './simulator';

describe(splitClaims.name, () => {
  it('takes claims.* pairs apart as entitlement claims', () => {
    const { metadata } = parseMetadata('channel=news, claims.tier=premium, claims.climit=3');
    expect(splitClaims(metadata)).toEqual({ metadata: { channel: 'news' }, claims: { tier: 'premium', climit: '3' } });
  });

  it('sends no claims when there are none', () => {
    expect(splitClaims({ channel: 'news' })).toEqual({ metadata: { channel: 'news' } });
  });
});

describe(parseDevices.name, () => {
  it('reads deviceId=name pairs and bare ids, in order', () => {
    expect(parseDevices('tv=Living room TV, phone\n laptop = Work laptop')).toEqual({
      devices: [{ deviceId: 'tv', name: 'Living room TV' }, { deviceId: 'phone' }, { deviceId: 'laptop', name: 'Work laptop' }],
    });
    expect(parseDevices('')).toEqual({ devices: [] });
  });

  it('says what is wrong', () => {
    expect(parseDevices('tv, tv').error).toBe('tv is given twice');
    expect(parseDevices('=TV').error).toBe('"=TV" has no device id');
  });
});
