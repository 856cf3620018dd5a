import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Env } from '../config/env';
import { MetricsService } from './metrics.service';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * Serves /metrics on a listener of its own (CM_METRICS_HOST:CM_METRICS_PORT, 127.0.0.1 by default), apart from the
 * public port, when CM_METRICS_PORT is set (always in production unless CM_METRICS_TOKEN guards the public port).
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly env: Env,
    private readonly metrics: MetricsService,
  ) {}

  /** The bound address, once listening (tests ask for port 0). */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.env.CM_METRICS_PORT;
    if (port === undefined) return;
    const server = createServer(
      (req, res) => void this.answer(req).then(({ status, headers, body }) => res.writeHead(status, headers).end(body)),
    );
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `the metrics listener cannot bind ${this.env.CM_METRICS_HOST}:${port} (CM_METRICS_HOST, CM_METRICS_PORT): ${error.message}`,
          ),
        ),
      );
      server.listen(port, this.env.CM_METRICS_HOST, resolve);
    });
    this.server = server;
    const { address, port: bound } = this.address!;
    this.logger.log(`metrics at http://${address.includes(':') ? `[${address}]` : address}:${bound}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const text = (status: number, body: string, headers: Record<string, string> = {}) => ({
      status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
      body,
    });
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return text(404, 'Not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    const token = this.env.CM_METRICS_TOKEN;
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      return text(401, 'Send Authorization: Bearer <CM_METRICS_TOKEN>\n', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    try {
      return {
        status: 200,
        headers: { 'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' },
        body: await this.metrics.text(),
      };
    } catch (error) {
      this.logger.error(`metrics scrape failed: ${error instanceof Error ? error.message : String(error)}`);
      return text(500, 'Metrics could not be collected\n');
    }
  }
}
