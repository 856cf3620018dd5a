import { devicesReducer, initialDevices, metadataTemplate, parseDeviceMetadata } from './devices';

describe('player simulator devices', () => {
  it('prefills a new device with its name and the attributes the policies need', () => {
    expect(metadataTemplate([])).toBe('deviceName=Device {n}');
    expect(metadataTemplate(['channel', 'deviceId', 'region'])).toBe('deviceName=Device {n}\nchannel=news\ndeviceId=device-{n}\nregion=');
    const state = devicesReducer(devicesReducer(initialDevices, { type: 'add', metadataText: 'x' }), {
      type: 'add',
      metadataText: metadataTemplate(['deviceId']),
    });
    expect(state.devices.map((d) => [d.name, d.metadataText, d.state])).toEqual([
      ['Device 1', 'x', 'idle'],
      ['Device 2', 'deviceName=Device 2\ndeviceId=device-2', 'idle'],
    ]);
  });

  it('reads key=value pairs and names the pair that is wrong', () => {
    expect(parseDeviceMetadata('deviceName=Kitchen TV\n channel = news ,deviceId=a=b')).toEqual({
      metadata: { deviceName: 'Kitchen TV', channel: 'news', deviceId: 'a=b' },
    });
    expect(parseDeviceMetadata('channel').error).toBe('"channel" is not key=value');
    expect(parseDeviceMetadata('region=').error).toBe('region has no value');
  });

  it('keeps the denial only while denied and the log newest first', () => {
    let state = devicesReducer(initialDevices, { type: 'add', metadataText: '' });
    state = devicesReducer(state, { type: 'state', id: 1, state: 'denied', patch: { denial: { message: 'm', conflicts: [] } } });
    expect(state.devices[0].denial).toEqual({ message: 'm', conflicts: [] });
    state = devicesReducer(state, { type: 'state', id: 1, state: 'playing', patch: { terminationCode: 'abcd1234' } });
    expect(state.devices[0]).toMatchObject({ state: 'playing', denial: undefined, terminationCode: 'abcd1234' });
    state = devicesReducer(state, { type: 'log', id: 1, text: 'first', tone: 'ok' });
    state = devicesReducer(state, { type: 'log', id: 1, text: 'second', tone: 'bad' });
    expect(state.devices[0].log.map((e) => e.text)).toEqual(['second', 'first']);
  });
});
