// The ceilings the benchmark compares against, started as a child process by bench/run.mjs:
//   node bench/baseline.mjs raw|express|fastify   (PORT from the environment)
// raw: node:http answering every request with {"status":"ok"}; express / fastify: a bare Nest 12 application on that
// adapter with one no-op route, GET /healthz answering {"status":"ok"} — no middleware, guard, pipe or logger.
import 'reflect-metadata';
import http from 'node:http';

const kind = process.argv[2];
const port = Number(process.env.PORT);

async function main() {
  if (kind === 'raw') {
    const body = '{"status":"ok"}';
    http
      .createServer((req, res) => {
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(body));
        res.end(body);
      })
      .listen(port, '127.0.0.1');
    return;
  }
  const { Controller, Get, Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  // Decorators applied by hand: this file runs without a TypeScript build.
  class NoopController {
    healthz() {
      return { status: 'ok' };
    }
  }
  const method = Object.getOwnPropertyDescriptor(NoopController.prototype, 'healthz');
  Reflect.decorate([Get('healthz')], NoopController.prototype, 'healthz', method);
  Reflect.decorate([Controller()], NoopController);
  class BareModule {}
  Reflect.decorate([Module({ controllers: [NoopController] })], BareModule);
  let app;
  if (kind === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
  } else if (kind === 'express') {
    app = await NestFactory.create(BareModule, { logger: false });
  } else {
    throw new Error(`unknown baseline ${kind} (raw, express or fastify)`);
  }
  await app.listen(port, '127.0.0.1');
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
