import { Controller, Get, Header, Headers, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IdentityError } from '@cm/identity';
import { Registry } from 'prom-client';
import { Env } from '../config/env';
import { bearerMatches } from './metrics-access';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint (text exposition format) on the public port: open in development, behind
 * `Authorization: Bearer <CM_METRICS_TOKEN>` when that is set, absent (404) when CM_METRICS_PORT moves the metrics
 * to their own listener (metrics-access.ts).
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly env: Env,
  ) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    if (this.env.CM_METRICS_PORT !== undefined) throw new NotFoundException('Cannot GET /metrics');
    const token = this.env.CM_METRICS_TOKEN;
    if (token !== undefined && !bearerMatches(authorization, token)) {
      throw IdentityError.unauthenticated('GET /metrics needs "Authorization: Bearer <CM_METRICS_TOKEN>"');
    }
    return this.metrics.text();
  }
}
