import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Actor } from './actor';
import { CurrentActor, ManagementController, Roles } from './decorators';
import { IdParams } from './dto/operator.dto';
import { CreatedTokenDto, CreateTokenDto, TokenDto } from './dto/token.dto';
import { type ApiToken, TokensService } from './tokens.service';

/** Every role may hold API tokens; a token carries its operator's role and tenant. */
@ManagementController('tokens', 'tokens')
@Roles('admin', 'tenant-admin', 'viewer')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API token (the token is shown only in this answer)' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTokenDto): Promise<ApiToken & { token: string }> {
    return this.tokens.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your API tokens (an admin sees all)' })
  @ApiOkResponse({ type: [TokenDto] })
  list(@CurrentActor() actor: Actor): Promise<ApiToken[]> {
    return this.tokens.list(actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async revoke(@CurrentActor() actor: Actor, @Param() params: IdParams): Promise<void> {
    await this.tokens.revoke(actor, params.id);
  }
}
