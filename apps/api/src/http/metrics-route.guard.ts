import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';

/** Where the matched route pattern is kept on the raw (Node) request, for the request-duration histogram. */
export const ROUTE_LABEL = Symbol('cm.routeLabel');

export type LabelledRequest = { [ROUTE_LABEL]?: string };

const paths = (value: unknown): string => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
};

/**
 * Not a gate (always lets the request through): registered as the first, global guard, it notes the route
 * pattern (`/api/v1/tenants/:id`, not the raw URL) on the request, so the metrics see it on both adapters,
 * also when a later guard refuses the request.
 */
@Injectable()
export class MetricsRouteGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<LabelledRequest & { raw?: LabelledRequest }>();
    const route = `/${[
      paths(Reflect.getMetadata(PATH_METADATA, context.getClass())),
      paths(Reflect.getMetadata(PATH_METADATA, context.getHandler())),
    ]
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`;
    // Fastify hands guards its own request object; the Node request is its `raw`.
    (request.raw ?? request)[ROUTE_LABEL] = route;
    return true;
  }
}
