import type { DeviceRegistrationRule } from '@cm/contracts';
import { decideDeviceRegistration, deviceLimitAdvice, startingDevice } from './devices';

const rule: DeviceRegistrationRule = { type: 'device-registration', name: '2 devices', limit: 2, by: 'deviceId' };

describe('device registration decision', () => {
  it('admits a registered device, registers one under the limit, denies one at it', () => {
    expect(decideDeviceRegistration([{ deviceId: 'tv' }, { deviceId: 'phone' }], 'tv', 2)).toBe('known');
    expect(decideDeviceRegistration([{ deviceId: 'tv' }], 'phone', 2)).toBe('registered');
    expect(decideDeviceRegistration([{ deviceId: 'tv' }, { deviceId: 'phone' }], 'laptop', 2)).toBe('full');
    expect(decideDeviceRegistration([], 'tv', 0)).toBe('full');
  });

  it('names the device from the metadata, with the application platform as the default', () => {
    expect(startingDevice(rule, { deviceId: 'tv', deviceName: 'Living room TV' }, 'web')).toEqual({
      deviceId: 'tv',
      name: 'Living room TV',
      platform: 'web',
    });
    expect(startingDevice(rule, { deviceId: 'tv', deviceType: 'TV', platform: 'tvOS' }, 'web')).toMatchObject({
      name: 'TV',
      platform: 'tvOS',
    });
    expect(startingDevice(rule, { channel: 'news' }, 'web')).toBeUndefined();
  });

  it('builds the device-limit advice with the rule message or the default', () => {
    expect(deviceLimitAdvice({ name: 'p' }, rule, [])).toEqual({
      type: 'device-limit',
      message: 'This account already has 2 registered devices; remove one to play on this device',
      policyName: 'p',
      ruleName: '2 devices',
      attribute: 'deviceId',
      threshold: 2,
      devices: [],
    });
    expect(deviceLimitAdvice({ name: 'p' }, { ...rule, message: 'Two only' }, []).message).toBe('Two only');
  });
});
