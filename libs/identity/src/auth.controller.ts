import { Body, createParamDecorator, type ExecutionContext, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { stringifySetCookie } from 'cookie';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { SESSION_MAX_AGE_DAYS } from './authenticator';
import { AllowPendingPasswordChange, CurrentActor, ManagementController, MaxBodyBytes, Public, Roles, SameOrigin } from './decorators';
import { ActorDto, ChangePasswordDto, LoginDto } from './dto/auth.dto';
import { WithHeaders } from './management-reply';
import { clientAddress, isHttps, type ManagementRequest, SESSION_COOKIE, sessionCookie } from './request';

interface CallerInfo {
  ip: string;
  https: boolean;
  sessionSecret: string | undefined;
}

const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CallerInfo => {
  const request = context.switchToHttp().getRequest<ManagementRequest>();
  return { ip: clientAddress(request), https: isHttps(request), sessionSecret: sessionCookie(request) };
});

/** An email (≤ 320) and a password (≤ 1024) fit in far less; a bigger body is refused before it is looked at. */
const AUTH_BODY_LIMIT_BYTES = 8 * 1024;

const cookie = (value: string, maxAge: number, secure: boolean) =>
  stringifySetCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge });

@ManagementController('auth', 'auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @SameOrigin()
  @MaxBodyBytes(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: sets the httpOnly cm_session cookie', security: [] })
  @ApiOkResponse({ type: ActorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins for this account or address; see Retry-After' })
  async login(@Body() body: LoginDto, @Caller() caller: CallerInfo): Promise<WithHeaders<Actor>> {
    const { actor, secret } = await this.auth.login(body.email, body.password, caller.ip);
    return new WithHeaders(actor, { 'Set-Cookie': cookie(secret, SESSION_MAX_AGE_DAYS * 86_400, caller.https) });
  }

  @Post('logout')
  @Public()
  @SameOrigin()
  @MaxBodyBytes(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and clears the cookie', security: [] })
  @ApiNoContentResponse()
  async logout(@Caller() caller: CallerInfo): Promise<WithHeaders<undefined>> {
    if (caller.sessionSecret) await this.auth.logout(caller.sessionSecret);
    return new WithHeaders(undefined, { 'Set-Cookie': cookie('', 0, caller.https) });
  }

  @Post('password')
  @Roles('admin', 'tenant-admin', 'viewer')
  @AllowPendingPasswordChange()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change your own password (needs the current one); ends your other login sessions',
  })
  @ApiNoContentResponse()
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; see Retry-After' })
  async changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto, @Caller() caller: CallerInfo): Promise<void> {
    await this.auth.changeOwnPassword(actor, body.currentPassword, body.newPassword, caller.ip, caller.sessionSecret);
  }

  @Get('me')
  @AllowPendingPasswordChange()
  @ApiOperation({ summary: 'The signed-in operator (or the API token and its operator)' })
  @ApiOkResponse({ type: ActorDto })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
