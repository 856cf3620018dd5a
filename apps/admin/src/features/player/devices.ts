import type { Conflict } from '@cm/client';

/** What a simulated device is doing; every state but `playing`/`starting`/`stopping` lets the user press Play again. */
export type DeviceState = 'idle' | 'starting' | 'playing' | 'stopping' | 'denied' | 'dismissed' | 'terminated' | 'expired' | 'failed';

export type LogTone = 'ok' | 'info' | 'warn' | 'bad';

export interface LogEntry {
  seq: number;
  /** Epoch ms, by this browser's clock (only shown). */
  at: number;
  text: string;
  tone: LogTone;
}

export interface Device {
  id: number;
  name: string;
  /** The key=value editor's text (one pair a line). */
  metadataText: string;
  state: DeviceState;
  sessionId?: string;
  terminationCode?: string;
  /** Set by a 409 at start: the streams the user may stop to play. */
  denial?: { message: string; conflicts: Conflict[] };
  /** Newest first. */
  log: LogEntry[];
}

export type DevicePatch = Partial<Pick<Device, 'sessionId' | 'terminationCode' | 'denial'>>;

export type DeviceAction =
  | { type: 'add'; metadataText: string }
  | { type: 'remove'; id: number }
  | { type: 'edit'; id: number; metadataText: string }
  | { type: 'state'; id: number; state: DeviceState; patch?: DevicePatch }
  | { type: 'log'; id: number; text: string; tone: LogTone }
  | { type: 'reset' };

export interface DevicesState {
  devices: Device[];
  nextId: number;
  nextSeq: number;
}

export const initialDevices: DevicesState = { devices: [], nextId: 1, nextSeq: 1 };

/** Keeps the log bounded: a long-running demo heartbeats forever. */
const MAX_LOG = 200;

export function devicesReducer(state: DevicesState, action: DeviceAction): DevicesState {
  const update = (id: number, fn: (d: Device) => Device) => state.devices.map((d) => (d.id === id ? fn(d) : d));
  switch (action.type) {
    case 'add': {
      const device: Device = {
        id: state.nextId,
        name: `Device ${state.nextId}`,
        metadataText: action.metadataText.replaceAll('{n}', String(state.nextId)),
        state: 'idle',
        log: [],
      };
      return { ...state, devices: [...state.devices, device], nextId: state.nextId + 1 };
    }
    case 'remove':
      return { ...state, devices: state.devices.filter((d) => d.id !== action.id) };
    case 'edit':
      return { ...state, devices: update(action.id, (d) => ({ ...d, metadataText: action.metadataText })) };
    case 'state':
      return {
        ...state,
        devices: update(action.id, (d) => ({
          ...d,
          state: action.state,
          denial: action.state === 'denied' ? action.patch?.denial : undefined,
          ...(action.patch?.sessionId !== undefined ? { sessionId: action.patch.sessionId } : {}),
          ...(action.patch?.terminationCode !== undefined ? { terminationCode: action.patch.terminationCode } : {}),
        })),
      };
    case 'log':
      return {
        ...state,
        nextSeq: state.nextSeq + 1,
        devices: update(action.id, (d) => ({
          ...d,
          log: [{ seq: state.nextSeq, at: Date.now(), text: action.text, tone: action.tone }, ...d.log].slice(0, MAX_LOG),
        })),
      };
    case 'reset':
      return {
        ...state,
        devices: state.devices.map((d) => ({ ...d, state: 'idle', denial: undefined, sessionId: undefined, terminationCode: undefined })),
      };
  }
}

/** Example values for the attributes policies usually name, so a new device can play at once. */
const EXAMPLES: Record<string, string> = {
  deviceName: 'Device {n}',
  deviceId: 'device-{n}',
  channel: 'news',
  contentType: 'live',
};

/** A new device's metadata: its name, then every attribute the application's policies need (`{n}`: its number). */
export function metadataTemplate(required: string[]): string {
  const keys = ['deviceName', ...required.filter((k) => k !== 'deviceName')];
  return keys.map((k) => `${k}=${EXAMPLES[k] ?? ''}`).join('\n');
}

/** `key=value` lines (or commas) → metadata; names the first line that is not a pair or has no value. */
export function parseDeviceMetadata(text: string): { metadata: Record<string, string>; error?: string } {
  const metadata: Record<string, string> = {};
  for (const part of text.split(/[,;\n]+/)) {
    const pair = part.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return { metadata, error: `"${pair}" is not key=value` };
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value) return { metadata, error: `${key} has no value` };
    metadata[key] = value;
  }
  return { metadata };
}
