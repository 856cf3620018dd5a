import type { ConcurrencyClient, Conflict, PlaybackSession } from '@cm/client';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { describePlayerError, type PlayerConfig, playerClient } from './api';
import {
  type Device,
  type DevicePatch,
  type DeviceState,
  devicesReducer,
  initialDevices,
  type LogTone,
  parseDeviceMetadata,
} from './devices';

export function usePlayerClient(config: PlayerConfig | null): ConcurrencyClient | null {
  const { applicationId, secret, timeScale } = config ?? { applicationId: '', secret: '', timeScale: 1 };
  return useMemo(() => (applicationId ? playerClient({ applicationId, secret, timeScale }) : null), [applicationId, secret, timeScale]);
}

/** `GET /v2/metadata` as the player sees it (Basic auth with the application id and the typed secret). */
export function useRequiredMetadata(client: ConcurrencyClient | null, key: { applicationId: string; secret: string }, enabled: boolean) {
  return useQuery({
    queryKey: ['player', 'metadata', key.applicationId, key.secret],
    queryFn: () => client!.metadata(),
    enabled: enabled && !!client,
    retry: false,
    staleTime: 30_000,
  });
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * The simulated devices and their SDK sessions: each device plays through its own PlaybackSession, whose events
 * (heartbeat, dismissed, terminated, expired, error) land in the device's state and log. Every session still
 * playing is stopped when the page goes away.
 */
export function useSimulator(client: ConcurrencyClient | null, account: { idp: string; subject: string }, timeScale: number) {
  const [state, dispatch] = useReducer(devicesReducer, initialDevices);
  const sessions = useRef(new Map<number, PlaybackSession>());
  const mounted = useRef(true);

  const log = useCallback((id: number, text: string, tone: LogTone = 'info') => dispatch({ type: 'log', id, text, tone }), []);
  const setState = useCallback(
    (id: number, next: DeviceState, patch?: DevicePatch) => dispatch({ type: 'state', id, state: next, patch }),
    [],
  );

  useEffect(() => {
    mounted.current = true;
    const live = sessions.current;
    const stopAll = () => {
      for (const session of live.values()) void session.stop({ keepalive: true });
      live.clear();
    };
    addEventListener('pagehide', stopAll);
    return () => {
      mounted.current = false;
      removeEventListener('pagehide', stopAll);
      stopAll();
    };
  }, []);

  const wire = useCallback(
    (id: number, session: PlaybackSession) => {
      const ended = () => {
        if (sessions.current.get(id) === session) sessions.current.delete(id);
      };
      session.on('heartbeat', ({ expiresInMs, nextHeartbeatInMs }) =>
        log(id, `Heartbeat 202 — expires in ${seconds(expiresInMs)}, next beat in ${seconds(nextHeartbeatInMs / timeScale)}`, 'ok'),
      );
      session.on('dismissed', ({ advice }) => {
        ended();
        setState(id, 'dismissed');
        log(id, `Heartbeat 409 — dismissed: ${advice[0]?.message ?? 'a policy no longer allows this stream'}`, 'bad');
      });
      session.on('terminated', ({ advice }) => {
        ended();
        setState(id, 'terminated');
        const by = [advice.terminator?.deviceName, advice.terminator?.applicationName].filter(Boolean).join(' on ');
        log(id, `Heartbeat 410 — terminated: ${advice.message}${by ? ` (by ${by})` : ''}`, 'bad');
      });
      session.on('deviceRemoved', ({ advice }) => {
        ended();
        setState(id, 'terminated');
        log(id, `Heartbeat 410 — device removed by the ${advice.removedBy}: ${advice.message}`, 'bad');
      });
      session.on('expired', ({ reason }) => {
        ended();
        setState(id, 'expired');
        log(
          id,
          reason === 'server' ? 'Heartbeat 410 — the server expired the session' : 'Expired — no heartbeat got through in time',
          'bad',
        );
      });
      session.on('error', ({ error, willRetry }) => {
        log(id, `${willRetry ? 'Retrying' : 'Error'} — ${describePlayerError(error)}`, willRetry ? 'warn' : 'bad');
        if (session.state === 'failed') {
          ended();
          setState(id, 'failed');
        }
      });
    },
    [log, setState, timeScale],
  );

  /**
   * A stream this page's own device held was just ended through X-Terminate: the server ended it in the same
   * transaction, so the device stops showing "playing" at once; its heartbeat then hears the 410 from the server.
   */
  const endTerminated = useCallback(
    (terminationCode: string, by: string) => {
      for (const [id, session] of sessions.current) {
        if (session.terminationCode !== terminationCode) continue;
        sessions.current.delete(id);
        setState(id, 'terminated');
        log(id, `Ended by ${by} (X-Terminate)`, 'bad');
        void session.heartbeatNow().catch(() => undefined);
      }
    },
    [log, setState],
  );

  const play = useCallback(
    async (device: Device, terminate?: Conflict) => {
      if (!client) return;
      const { metadata, error } = parseDeviceMetadata(device.metadataText);
      if (error) {
        log(device.id, `Not started — metadata: ${error}`, 'bad');
        return;
      }
      setState(device.id, 'starting');
      try {
        const result = await client.start({ ...account, metadata, terminate: terminate ? [terminate.terminationCode] : [] });
        if (!mounted.current) {
          if (result.admitted) void result.session.stop({ keepalive: true });
          return;
        }
        if (result.admitted) {
          const { session } = result;
          if (terminate) endTerminated(terminate.terminationCode, device.name);
          sessions.current.set(device.id, session);
          wire(device.id, session);
          setState(device.id, 'playing', { sessionId: session.sessionId, terminationCode: session.terminationCode });
          const killed = terminate ? `; ended the stream ${terminate.terminationCode} (${terminate.deviceName || 'unnamed device'})` : '';
          log(device.id, `Start 202 — playing, termination code ${session.terminationCode}${killed}`, 'ok');
        } else {
          const message = result.advice[0]?.message ?? result.deviceLimit[0]?.message ?? 'The policies deny this stream';
          setState(device.id, 'denied', { denial: { message, conflicts: result.conflicts } });
          const why =
            result.reason === 'device-limit'
              ? `${result.devices.length} registered device(s): ${result.devices.map((d) => d.name || d.deviceId).join(', ')}`
              : `${result.conflicts.length} conflicting stream(s)`;
          log(device.id, `Start 409 — ${message}: ${why}`, 'warn');
        }
      } catch (e) {
        if (!mounted.current) return;
        setState(device.id, 'failed');
        log(device.id, `Start failed — ${describePlayerError(e)}`, 'bad');
      }
    },
    [client, account, log, setState, wire, endTerminated],
  );

  const heartbeatNow = useCallback(
    async (device: Device) => {
      const session = sessions.current.get(device.id);
      if (!session) return;
      log(device.id, 'Heartbeat sent');
      try {
        await session.heartbeatNow();
      } catch (e) {
        log(device.id, `Heartbeat refused — ${describePlayerError(e)}`, 'bad');
      }
    },
    [log],
  );

  const stop = useCallback(
    async (device: Device) => {
      const session = sessions.current.get(device.id);
      if (!session) return;
      sessions.current.delete(device.id);
      setState(device.id, 'stopping');
      const result = await session.stop();
      if (!mounted.current) return;
      setState(device.id, 'idle');
      const text = {
        stopped: 'Stop 202 — stopped',
        'already-ended': 'Stop 410 — the stream had already ended',
        unreachable: 'Stop — no answer; the server will expire the session',
      }[result];
      log(device.id, text, result === 'stopped' ? 'info' : 'warn');
    },
    [log, setState],
  );

  const remove = useCallback((device: Device) => {
    const session = sessions.current.get(device.id);
    sessions.current.delete(device.id);
    if (session) void session.stop();
    dispatch({ type: 'remove', id: device.id });
  }, []);

  const stopAll = useCallback(async () => {
    const live = [...sessions.current.values()];
    sessions.current.clear();
    await Promise.all(live.map((s) => s.stop()));
    if (mounted.current) dispatch({ type: 'reset' });
  }, []);

  return {
    devices: state.devices,
    add: (metadataText: string) => dispatch({ type: 'add', metadataText }),
    edit: (id: number, metadataText: string) => dispatch({ type: 'edit', id, metadataText }),
    play,
    heartbeatNow,
    stop,
    remove,
    stopAll,
  };
}
