import { defaultMessage as sut, ruleAttribute } from './messages';

describe(sut.name, () => {
  it('describes the counted thing', () => {
    expect(sut({})).toBe('Number of active streams exceeded');
    expect(sut({ countBy: 'deviceId' })).toBe('Number of distinct deviceId values exceeded');
  });
});

describe(ruleAttribute.name, () => {
  it('is the countBy attribute, or streamId', () => {
    expect(ruleAttribute({})).toBe('streamId');
    expect(ruleAttribute({ countBy: 'deviceId' })).toBe('deviceId');
  });
});
