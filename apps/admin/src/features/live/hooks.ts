import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type HistoryQuery, type LiveSnapshot, STREAM_URL, usageApi } from './api';

export const usageKeys = {
  all: ['usage'] as const,
  live: () => [...usageKeys.all, 'live'] as const,
  history: (query: HistoryQuery) => [...usageKeys.all, 'history', query] as const,
};

export function useLiveSnapshot() {
  return useQuery({ queryKey: usageKeys.live(), queryFn: usageApi.live });
}

export function useUsageHistory(query: HistoryQuery, options: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: usageKeys.history(query),
    queryFn: () => usageApi.history(query),
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchInterval,
  });
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** Minimal EventSource surface (tests pass a fake). */
export interface EventSourceLike {
  onopen: ((event: Event) => unknown) | null;
  onerror: ((event: Event) => unknown) | null;
  onmessage: ((event: MessageEvent) => unknown) | null;
  readyState: number;
  close(): void;
}

/**
 * The live snapshot pushed by the server (SSE, every 2 s), written into the query cache so every view of
 * `usageKeys.live()` follows it. EventSource reconnects by itself when the connection drops; when the server
 * refuses (the stream closes), we reconnect after a growing pause. `status` says which state the feed is in.
 */
export function useUsageStream(open: (url: string) => EventSourceLike = (url) => new EventSource(url, { withCredentials: true })) {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const openRef = useRef(open);
  useEffect(() => {
    let source: EventSourceLike | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let stopped = false;
    const connect = () => {
      source = openRef.current(STREAM_URL);
      source.onopen = () => {
        attempts = 0;
        setStatus('live');
      };
      source.onmessage = (event) => {
        try {
          client.setQueryData<LiveSnapshot>(usageKeys.live(), JSON.parse(String(event.data)) as LiveSnapshot);
          setLastEventAt(Date.now());
          setStatus('live');
        } catch {
          // A malformed event is skipped; the next one replaces it.
        }
      };
      source.onerror = () => {
        setStatus('reconnecting');
        if (source && source.readyState === 2 /* CLOSED */ && !stopped) {
          source.close();
          attempts += 1;
          retry = setTimeout(connect, Math.min(1000 * 2 ** attempts, 15_000));
          // The session may have ended: let the auth check find out.
          void client.invalidateQueries({ queryKey: ['auth'] });
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [client]);
  return { status, lastEventAt };
}
