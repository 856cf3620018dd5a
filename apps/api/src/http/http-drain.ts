import { Server as NetServer } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How long the listener may stay open while requests are still coming in during a stop. */
const LISTEN_GRACE_MS = 5_000;
/** After this, connections still open are cut. */
const DRAIN_TIMEOUT_MS = 10_000;
/** Nothing in flight for this long = the burst is over. */
const SETTLE_MS = 200;

/**
 * Graceful stop of the HTTP server, so that no request that reached us before the signal fails.
 *
 * Node's `server.close()` drops every connection it deems idle, and one whose request bytes are not read yet
 * counts as idle; and a connection the kernel completed but the process had not accepted yet is reset when the
 * listener closes. So a stop first answers everything with `Connection: close` while still accepting, until
 * nothing has been in flight for a moment (at most LISTEN_GRACE_MS), then closes the listener without touching
 * open connections, and closes idle keep-alive connections only once nothing is in flight.
 */
export class HttpDrain {
  private readonly active = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.active.add(res);
      if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
      res.once('close', () => this.active.delete(res));
    });
  }

  /** Resolves once the listener is closed and every connection has ended. */
  async drain(): Promise<void> {
    this.draining = true;
    for (const res of this.active) if (!res.headersSent) res.setHeader('Connection', 'close');
    const started = Date.now();
    await this.settled(started + LISTEN_GRACE_MS);
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => this.server.closeAllConnections(), Math.max(0, started + DRAIN_TIMEOUT_MS - Date.now()));
      const idle = setInterval(() => {
        if (this.active.size === 0) this.server.closeIdleConnections();
      }, SETTLE_MS);
      NetServer.prototype.close.call(this.server, () => {
        clearTimeout(cut);
        clearInterval(idle);
        resolve();
      });
    });
  }

  /** Resolves when nothing has been in flight for SETTLE_MS, or at the deadline. */
  private settled(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      let quietSince = 0;
      const check = setInterval(() => {
        if (this.active.size > 0) quietSince = 0;
        else quietSince ||= Date.now();
        if ((quietSince && Date.now() - quietSince >= SETTLE_MS) || Date.now() >= deadline) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
  }
}
