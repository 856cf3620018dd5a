import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import type { InitResponseBody, RunningStreamsBody } from '@cm/contracts';
import type { ApplicationContext } from './application-directory';
import { CmApplication, CmAuthGuard } from './cm-auth.guard';
import { CmReply, CmReplyInterceptor } from './cm-reply';
import { checkAccountPart, parseMetadata } from './metadata';
import { SessionsService } from './sessions.service';

const httpDate = (d: Date) => d.toUTCString();

const account = (idp: string, subject: string) => ({ idp: checkAccountPart('idp', idp), subject: checkAccountPart('subject', subject) });

/** Marks an answer given without the database (CM_FAIL_MODE=open). */
const degradedHeader = (result: { degraded?: boolean }): Record<string, string> => (result.degraded ? { 'X-CM-Degraded': '1' } : {});

/** X-Terminate: comma-separated codes, or the header repeated (joined with commas by Node). */
const terminationCodes = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0);

/** The CM v2 player API (DESIGN §2), wire-compatible with Adobe Pass Concurrency Monitoring v2. */
@Controller('v2')
@UseGuards(CmAuthGuard)
@UseInterceptors(CmReplyInterceptor)
export class CmV2Controller {
  constructor(private readonly sessions: SessionsService) {}

  @Get('metadata')
  metadata(@CmApplication() app: ApplicationContext): CmReply<string[]> {
    const { names, lastModified } = this.sessions.metadata(app);
    return new CmReply(names, { 'Last-Modified': httpDate(lastModified) });
  }

  @Post('sessions/:idp/:subject')
  @HttpCode(202)
  async init(
    @CmApplication() app: ApplicationContext,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Query() query: unknown,
    @Body() body: unknown,
    @Headers('x-terminate') terminate?: string,
  ): Promise<CmReply<InitResponseBody>> {
    const result = await this.sessions.init(app, account(idp, subject), parseMetadata(query, body), terminationCodes(terminate));
    return new CmReply(result.body, { Location: result.body.sessionId, Expires: httpDate(result.expiresAt), ...degradedHeader(result) });
  }

  @Post('sessions/:idp/:subject/:sessionId')
  @HttpCode(202)
  async heartbeat(
    @CmApplication() app: ApplicationContext,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
    @Body() body: unknown,
  ): Promise<CmReply> {
    const result = await this.sessions.heartbeat(app, account(idp, subject), sessionId, parseMetadata(query, body));
    return new CmReply(undefined, { Expires: httpDate(result.expiresAt), ...degradedHeader(result) });
  }

  @Delete('sessions/:idp/:subject/:sessionId')
  @HttpCode(202)
  async stop(
    @CmApplication() app: ApplicationContext,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('sessionId') sessionId: string,
  ): Promise<CmReply> {
    await this.sessions.stop(app, account(idp, subject), sessionId);
    return new CmReply(undefined);
  }

  @Get('runningStreams/:idp/:subject')
  async runningStreams(
    @CmApplication() app: ApplicationContext,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
  ): Promise<CmReply<RunningStreamsBody>> {
    const { body, expiresAt } = await this.sessions.runningStreams(app, account(idp, subject));
    return new CmReply(body, expiresAt ? { Expires: httpDate(expiresAt) } : {});
  }
}
