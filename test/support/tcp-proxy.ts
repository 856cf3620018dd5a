import * as net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Rewrites a postgres:// URL to go through the proxy. */
  via(url: string): string;
  /**
   * Simulates an outage. `blackhole`: connections are accepted but nothing gets through and established ones go
   * silent (a dead network path). `refuse`: established connections are reset and new ones refused.
   */
  cut(mode: 'blackhole' | 'refuse'): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 the test controls, standing between the app and PostgreSQL. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'open' | 'blackhole' | 'refuse' = 'open';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();

  const onConnection = (client: net.Socket) => {
    client.on('error', () => undefined);
    const pair: { client: net.Socket; upstream: net.Socket | null } = { client, upstream: null };
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (mode !== 'open') {
      client.pause(); // blackhole: accepted, never answered
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      if (mode === 'open') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'open') client.write(chunk);
    });
  };

  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    port,
    via: (url) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut: async (how) => {
      mode = how;
      if (how === 'refuse') {
        for (const p of pairs) {
          p.client.resetAndDestroy();
          p.upstream?.destroy();
        }
        await stopListening();
      }
    },
    restore: async () => {
      if (mode === 'refuse') await listen();
      mode = 'open';
      // Connections that went silent during a blackhole stay dead, as after a real network cut.
      for (const p of pairs) {
        if (!p.upstream) p.client.destroy();
      }
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      if (mode !== 'refuse') await stopListening();
    },
  };
}
