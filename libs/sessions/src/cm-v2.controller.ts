import { Body, Controller, Delete, Get, Headers, HttpCode, Ip, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { type InitResponseBody, PLAYBACK_TOKEN_HEADER, type RunningStreamsBody } from '@cm/contracts';
import { PlaybackTokensService } from '@cm/playback-tokens';
import type { ApplicationContext } from './application-directory';
import { AcceptsFormCredentials, CmApplication, CmAuthGuard } from './cm-auth.guard';
import { answer, CmReply } from './cm-reply';
import { EntitlementVerifier } from './entitlements';
import { checkAccountPart, parseMetadata } from './metadata';
import { RequestOrigin } from './request-origin';
import type { AccountKey } from './session-store.port';
import { HeartbeatSession } from './usecases/heartbeat-session.usecase';
import { RequiredMetadata } from './usecases/required-metadata.usecase';
import { ListRunningStreams } from './usecases/running-streams.usecase';
import { StartSession } from './usecases/start-session.usecase';
import { StopSession } from './usecases/stop-session.usecase';

const httpDate = (d: Date) => d.toUTCString();

const account = (idp: string, subject: string) => ({ idp: checkAccountPart('idp', idp), subject: checkAccountPart('subject', subject) });

/** `Expires`, and the `Date` it is counted from: Expires − Date is the heartbeat window (see InitResult). */
const expiry = (result: { expiresAt: Date; acceptedAt: Date }) => ({
  Date: httpDate(result.acceptedAt),
  Expires: httpDate(result.expiresAt),
});

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
export class CmV2Controller {
  constructor(
    private readonly requiredMetadata: RequiredMetadata,
    private readonly startSession: StartSession,
    private readonly heartbeatSession: HeartbeatSession,
    private readonly stopSession: StopSession,
    private readonly listRunningStreams: ListRunningStreams,
    private readonly playbackTokens: PlaybackTokensService,
    private readonly entitlements: EntitlementVerifier,
  ) {}

  /** The playback token of an admitted or refreshed session, when its application enabled them. */
  private playbackToken(app: ApplicationContext, account: AccountKey, sessionId: string, expiresAt: Date, origin: string) {
    if (!app.app.playbackTokens.enabled) return Promise.resolve(undefined);
    return this.playbackTokens.issue({ applicationId: app.app.id, ...account, sessionId, expiresAt, origin });
  }

  @Get('metadata')
  metadata(@CmApplication() app: ApplicationContext, @Res({ passthrough: true }) res: unknown): string[] | undefined {
    const { names, lastModified } = this.requiredMetadata.execute(app);
    return answer(res, new CmReply(names, { 'Last-Modified': httpDate(lastModified) }));
  }

  @Post('sessions/:idp/:subject')
  @HttpCode(202)
  async init(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Query() query: unknown,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
    @Ip() clientAddress: string,
    @Headers('x-terminate') terminate?: string,
    @Headers('x-cm-entitlement') entitlement?: string,
  ): Promise<InitResponseBody | undefined> {
    const key = account(idp, subject);
    const metadata = parseMetadata(query, body);
    const claims = await this.entitlements.forInit(app, key, entitlement);
    const result = await this.startSession.execute(app, key, { ...metadata, ...claims }, terminationCodes(terminate), clientAddress);
    const headers = { Location: result.body.sessionId, ...expiry(result), ...degradedHeader(result) };
    const token = await this.playbackToken(app, key, result.body.sessionId, result.expiresAt, origin);
    if (token === undefined) return answer(res, new CmReply(result.body, headers));
    return answer(res, new CmReply({ ...result.body, playbackToken: token }, { ...headers, [PLAYBACK_TOKEN_HEADER]: token }));
  }

  @Post('sessions/:idp/:subject/:sessionId')
  @HttpCode(202)
  async heartbeat(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
    @Headers('x-cm-entitlement') entitlement?: string,
  ): Promise<undefined> {
    const key = account(idp, subject);
    const metadata = parseMetadata(query, body);
    const claims = await this.entitlements.forHeartbeat(app, key, entitlement);
    const result = await this.heartbeatSession.execute(app, key, sessionId, { ...metadata, ...claims });
    const token = await this.playbackToken(app, key, sessionId, result.expiresAt, origin);
    return answer(
      res,
      new CmReply(undefined, {
        ...expiry(result),
        ...degradedHeader(result),
        ...(token === undefined ? {} : { [PLAYBACK_TOKEN_HEADER]: token }),
      }),
    );
  }

  @Delete('sessions/:idp/:subject/:sessionId')
  @HttpCode(202)
  async stop(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('sessionId') sessionId: string,
  ): Promise<undefined> {
    await this.stopSession.execute(app, account(idp, subject), sessionId);
    return answer(res, new CmReply(undefined));
  }

  /**
   * Our extension: the stop as a POST, for players that can only send `navigator.sendBeacon` when the page goes
   * away. Same answers as DELETE. A beacon cannot set headers, so the credentials may come as the form fields
   * `applicationId` and `secret` of the body instead of the Authorization header.
   */
  @Post('sessions/:idp/:subject/:sessionId/stop')
  @HttpCode(202)
  @AcceptsFormCredentials()
  stopByPost(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('sessionId') sessionId: string,
  ): Promise<undefined> {
    return this.stop(app, res, idp, subject, sessionId);
  }

  @Get('runningStreams/:idp/:subject')
  async runningStreams(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
  ): Promise<RunningStreamsBody | undefined> {
    const { body, expiresAt } = await this.listRunningStreams.execute(app, account(idp, subject));
    return answer(res, new CmReply(body, expiresAt ? { Expires: httpDate(expiresAt) } : {}));
  }
}
