import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Header, Injectable, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';

/** Holds the OpenAPI document built at start-up (bootstrap.ts), once every controller is known. */
@Injectable()
export class OpenApiDocument {
  document: OpenAPIObject | undefined;
}

/** The Swagger UI files we serve (from swagger-ui-dist, which @nestjs/swagger depends on). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Concurrency Monitor API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/swagger-ui-init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/docs-json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  withCredentials: true,
  persistAuthorization: true,
});
`;

/**
 * Swagger UI at /api/docs and the document at /api/docs-json, served the same way on Express and Fastify
 * (SwaggerModule.setup needs @fastify/static on Fastify).
 */
@ApiExcludeController()
@Controller('api')
export class DocsController {
  private readonly assetsDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly openApi: OpenApiDocument) {}

  @Get('docs-json')
  @Header('Cache-Control', 'no-store')
  json(): OpenAPIObject {
    if (!this.openApi.document) throw new NotFoundException('The OpenAPI document is not built yet');
    return this.openApi.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  ui(): string {
    return HTML;
  }

  @Get('docs/swagger-ui-init.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }

  @Get('docs/:asset')
  asset(@Param('asset') asset: string): StreamableFile {
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) throw new NotFoundException(`No such documentation file: ${asset}`);
    let content = this.cache.get(asset);
    if (!content) {
      content = readFileSync(path.join(this.assetsDir, asset));
      this.cache.set(asset, content);
    }
    return new StreamableFile(content, { type, length: content.length });
  }
}
