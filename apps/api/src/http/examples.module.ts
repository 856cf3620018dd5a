import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import {
  Controller,
  type DynamicModule,
  Get,
  Module,
  NotFoundException,
  type OnModuleInit,
  Param,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

/**
 * The examples' pages load only their own scripts, like the console; the players need `blob:` for media (Media
 * Source Extensions) and workers (hls.js and video.js transmux in a worker made from a blob).
 */
const EXAMPLES_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The repository root (the nearest directory upwards with our package.json): from the sources and from dist/. */
function repoRoot(): string | undefined {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'concurrency-monitor') return dir;
  }
  return undefined;
}

/**
 * What `/examples/players/` serves, each folder from one place: the pages and the test stream (examples/players),
 * the SDK's script-tag build (`npm run build:client`), and the players from node_modules (devDependencies).
 */
function folders(root: string): Record<string, { dir: string; files?: Record<string, string> }> {
  const modules = join(root, 'node_modules');
  return {
    '': { dir: join(root, 'examples/players') },
    stream: { dir: join(root, 'examples/players/stream') },
    lib: { dir: join(root, 'libs/client/dist/iife') },
    vendor: {
      dir: modules,
      files: {
        'hls.min.js': 'hls.js/dist/hls.min.js',
        'shaka-player.compiled.js': 'shaka-player/dist/shaka-player.compiled.js',
        'video.min.js': 'video.js/dist/video.min.js',
        'video-js.min.css': 'video.js/dist/video-js.min.css',
      },
    },
  };
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function examplesController(root: string) {
  const served = folders(root);

  /** The player examples (examples/players), in development mode only: read from disk at each request. */
  @ApiExcludeController()
  @Controller('examples/players')
  class ExamplesController implements OnModuleInit {
    constructor(private readonly adapterHost: HttpAdapterHost) {}

    /** `/examples/players/` (Express routes it here too; Fastify, strict about the slash, in onModuleInit). */
    @Get()
    index(@Req() request: { url?: string }, @Res({ passthrough: true }) response: unknown): StreamableFile | undefined {
      if ((request.url ?? '').split('?')[0].endsWith('/')) return this.send(response, '', 'index.html');
      // The pages' relative links need the folder's URL.
      this.adapterHost.httpAdapter.redirect(response, 302, '/examples/players/');
      return undefined;
    }

    onModuleInit(): void {
      const adapter = this.adapterHost.httpAdapter;
      if (adapter.getType() !== 'fastify') return;
      adapter.get('/examples/players/', (_request: unknown, reply: unknown) => {
        const file = this.send(reply, '', 'index.html');
        adapter.setHeader(reply, 'Content-Type', TYPES['.html']);
        adapter.reply(reply, file.getStream(), 200);
      });
    }

    @Get(':file')
    page(@Param('file') file: string, @Res({ passthrough: true }) response: unknown): StreamableFile {
      return this.send(response, '', file);
    }

    @Get(':folder/:file')
    nested(@Param('folder') folder: string, @Param('file') file: string, @Res({ passthrough: true }) response: unknown): StreamableFile {
      return this.send(response, folder, file);
    }

    private send(response: unknown, folder: string, name: string): StreamableFile {
      const place = Object.hasOwn(served, folder) ? served[folder] : undefined;
      const relative = place?.files ? place.files[name] : SAFE_NAME.test(name) ? name : undefined;
      const type = TYPES[extname(name)];
      const file = place && relative && type ? join(place.dir, relative) : undefined;
      if (!file || !existsSync(file)) {
        const hint = folder === 'lib' ? ' (build the SDK: npm run build:client)' : '';
        throw new NotFoundException(`Cannot GET /examples/players/${folder ? `${folder}/` : ''}${name}${hint}`);
      }
      const body = readFileSync(file);
      const adapter = this.adapterHost.httpAdapter;
      // The players and the test stream change only with npm install or make-stream.sh: a tab opened next reuses them.
      adapter.setHeader(response, 'Cache-Control', folder === 'vendor' || folder === 'stream' ? 'max-age=300' : 'no-cache');
      adapter.setHeader(response, 'X-Content-Type-Options', 'nosniff');
      adapter.setHeader(response, 'Content-Security-Policy', EXAMPLES_CSP);
      return new StreamableFile(body, { type, length: body.length });
    }
  }
  return ExamplesController;
}

/**
 * The web player examples at `/examples/players/` (hls.js, Shaka, video.js and a plain `<video>`, each with the
 * concurrency plugin, on a small HLS test stream), served in development mode only: the players come from the
 * devDependencies. Import it before the console, whose catch-all route would answer these paths.
 */
@Module({})
export class ExamplesModule {
  static forRoot({ enabled }: { enabled: boolean }): DynamicModule {
    const root = enabled ? repoRoot() : undefined;
    if (!root || !existsSync(join(root, 'examples/players'))) return { module: ExamplesModule };
    return { module: ExamplesModule, controllers: [examplesController(root)] };
  }
}
