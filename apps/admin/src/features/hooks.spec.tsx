/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { ApiError, unwrap } from '../api/client';
import { testQueryClient } from '../../test/render';
import { type EventSourceLike, usageKeys, useUsageStream } from './live/hooks';
import { policiesApi } from './policies/api';
import { policyKeys, usePolicies, useSavePolicy } from './policies/hooks';

jest.mock('./policies/api', () => ({ policiesApi: { list: jest.fn(), create: jest.fn(), update: jest.fn() } }));
const mocked = policiesApi as jest.Mocked<typeof policiesApi>;

function wrapper(client = testQueryClient()) {
  return {
    client,
    wrapper: ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>,
  };
}

const answer = (status: number, body: unknown) =>
  Promise.resolve({
    response: { ok: status < 400, status } as Response,
    data: status < 400 ? body : undefined,
    error: status < 400 ? undefined : body,
  });

describe('API client', () => {
  it('turns a problem+json answer into an ApiError naming the fields', async () => {
    const problem = {
      status: 400,
      detail: 'The policy rules are invalid',
      errors: [{ field: 'rules[0].limit', message: 'must be an integer' }],
    };
    const error = await unwrap(answer(400, problem)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).fieldErrors).toEqual(problem.errors);
    expect((error as ApiError).message).toBe('The policy rules are invalid');
  });

  it('says the server cannot be reached when fetch fails', async () => {
    const error = (await unwrap(Promise.reject(new TypeError('Failed to fetch'))).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(0);
    expect(error.problem.title).toBe('The server cannot be reached');
  });
});

describe('policy hooks', () => {
  beforeEach(() => jest.resetAllMocks());

  it('lists the policies of a tenant under its query key, and waits for a tenant', async () => {
    mocked.list.mockResolvedValue([{ id: 'p1', name: 'cap' }] as never);
    const { client, wrapper: w } = wrapper();
    const idle = renderHook(() => usePolicies(null), { wrapper: w });
    expect(idle.result.current.fetchStatus).toBe('idle');
    const { result } = renderHook(() => usePolicies('t1'), { wrapper: w });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(mocked.list).toHaveBeenCalledWith('t1');
    expect(client.getQueryData(policyKeys.list('t1'))).toEqual([{ id: 'p1', name: 'cap' }]);
  });

  it('creates without an id, replaces with one, and refreshes the lists after saving', async () => {
    mocked.list.mockResolvedValue([] as never);
    mocked.create.mockResolvedValue({ id: 'new', version: 1 } as never);
    mocked.update.mockResolvedValue({ id: 'p1', version: 2 } as never);
    const { wrapper: w } = wrapper();
    const list = renderHook(() => usePolicies('t1'), { wrapper: w });
    await waitFor(() => expect(list.result.current.isSuccess).toBe(true));
    const { result } = renderHook(() => useSavePolicy(), { wrapper: w });
    const input = { name: 'cap', description: '', rules: [] };
    await act(() => result.current.mutateAsync({ tenantId: 't1', input }));
    expect(mocked.create).toHaveBeenCalledWith('t1', input);
    await act(() => result.current.mutateAsync({ id: 'p1', tenantId: 't1', input }));
    expect(mocked.update).toHaveBeenCalledWith('p1', input);
    await waitFor(() => expect(mocked.list).toHaveBeenCalledTimes(3));
  });
});

describe(useUsageStream.name, () => {
  class FakeSource implements EventSourceLike {
    static last: FakeSource;
    onopen: ((e: Event) => unknown) | null = null;
    onerror: ((e: Event) => unknown) | null = null;
    onmessage: ((e: MessageEvent) => unknown) | null = null;
    readyState = 0;
    closed = false;
    constructor(readonly url: string) {
      FakeSource.last = this;
    }
    close() {
      this.closed = true;
    }
  }

  it('follows the feed into the live query, and says when it drops and comes back', () => {
    const { client, wrapper: w } = wrapper();
    const { result, unmount } = renderHook(() => useUsageStream((url) => new FakeSource(url)), { wrapper: w });
    const source = FakeSource.last;
    expect(source.url).toBe('/api/v1/usage/stream');
    expect(result.current.status).toBe('connecting');

    act(() => {
      source.readyState = 1;
      source.onopen?.(new Event('open'));
      source.onmessage?.(
        new MessageEvent('message', { data: JSON.stringify({ running: 3, byApplication: [], byPolicy: [], lastMinute: {} }) }),
      );
    });
    expect(result.current.status).toBe('live');
    expect(client.getQueryData(usageKeys.live())).toMatchObject({ running: 3 });

    act(() => {
      source.readyState = 0; // EventSource reconnects by itself
      source.onerror?.(new Event('error'));
    });
    expect(result.current.status).toBe('reconnecting');
    act(() => {
      source.readyState = 1;
      source.onopen?.(new Event('open'));
    });
    expect(result.current.status).toBe('live');

    unmount();
    expect(source.closed).toBe(true);
  });

  it('opens a new stream after a pause when the server closed it', () => {
    jest.useFakeTimers();
    try {
      const { wrapper: w } = wrapper();
      renderHook(() => useUsageStream((url) => new FakeSource(url)), { wrapper: w });
      const first = FakeSource.last;
      act(() => {
        first.readyState = 2;
        first.onerror?.(new Event('error'));
      });
      expect(first.closed).toBe(true);
      act(() => {
        jest.advanceTimersByTime(2_000);
      });
      expect(FakeSource.last).not.toBe(first);
    } finally {
      jest.useRealTimers();
    }
  });
});
