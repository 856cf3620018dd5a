import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import {
  Controller,
  type DynamicModule,
  Get,
  Logger,
  Module,
  NotFoundException,
  type OnApplicationBootstrap,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';

/** Paths the console never answers: the APIs, the docs, health and metrics keep their own 404s. */
const RESERVED = /^(api|v2|healthz|readyz|metrics)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  /** Vite's hashed file names never change content: cache them for a year; index.html is revalidated. */
  immutable: boolean;
}

/** Where `npm run build:admin` writes the console (apps/admin/dist), from the source tree or from dist/. */
export function findConsoleDir(): string | undefined {
  const candidates = [resolve(__dirname, '../../../admin/dist'), resolve(__dirname, '../../../../../apps/admin/dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Every built file, read once at start-up (the console is about 2 MB, four times that with its source maps). Source maps are left out in production:
 * they publish the console's source; in development they help reading a stack trace in the browser.
 */
function loadAssets(dir: string, withSourceMaps: boolean): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (withSourceMaps || extname(name) !== '.map') {
        const path = relative(dir, file).split(sep).join('/');
        assets.set(path, {
          body: readFileSync(file),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          immutable: path.startsWith('assets/'),
        });
      }
    }
  };
  walk(dir);
  return assets;
}

function consoleController(assets: Map<string, Asset>) {
  const index = assets.get('index.html')!;

  /**
   * Serves the built console at `/`: its files, and index.html for every other path (the console's client-side
   * routes), except the reserved API paths, which answer the usual 404 problem+json.
   */
  @ApiExcludeController()
  @Controller()
  class ConsoleController {
    constructor(private readonly adapterHost: HttpAdapterHost) {}

    @Get()
    root(@Res({ passthrough: true }) response: unknown): StreamableFile {
      return this.send(response, index);
    }

    // '*' is the one catch-all both routers accept (Fastify refuses named wildcards such as '*path').
    @Get('*')
    file(@Req() request: { url?: string }, @Res({ passthrough: true }) response: unknown): StreamableFile {
      const raw = (request.url ?? '/').split('?')[0];
      let wanted: string;
      try {
        wanted = decodeURIComponent(raw).replace(/^\/+/, '');
      } catch {
        throw new NotFoundException(`Cannot GET ${raw}`);
      }
      if (RESERVED.test(wanted)) throw new NotFoundException(`Cannot GET /${wanted}`);
      const asset = assets.get(wanted);
      if (asset) return this.send(response, asset);
      // A missing script or image is a 404, not the page (a stale tab asking for an old bundle must fail clearly).
      if (wanted.startsWith('assets/') || /\.[a-z0-9]{1,5}$/i.test(wanted)) throw new NotFoundException(`Cannot GET /${wanted}`);
      return this.send(response, index);
    }

    private send(response: unknown, asset: Asset): StreamableFile {
      const adapter = this.adapterHost.httpAdapter;
      adapter.setHeader(response, 'Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      adapter.setHeader(response, 'X-Content-Type-Options', 'nosniff');
      return new StreamableFile(asset.body, { type: asset.type, length: asset.body.length });
    }
  }
  return ConsoleController;
}

/** Says once at start-up (through the application's logger) that the console is missing and how to build it. */
class ConsoleNotBuilt implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('Console').warn('The admin console is not built (apps/admin/dist): run `npm run build:admin` to serve it at /');
  }
}

/**
 * The admin console (apps/admin, built by `npm run build:admin`). Without a build the api still starts and says
 * how to build it. Import it last in the application module: its catch-all route must come after every API route.
 */
@Module({})
export class ConsoleModule {
  static forRoot({ production = false, dir = findConsoleDir() }: { production?: boolean; dir?: string } = {}): DynamicModule {
    if (!dir) return { module: ConsoleModule, providers: [ConsoleNotBuilt] };
    return { module: ConsoleModule, controllers: [consoleController(loadAssets(dir, !production))] };
  }
}
