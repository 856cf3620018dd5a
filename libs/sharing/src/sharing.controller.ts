import { Body, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController, type WithHeaders } from '@cm/identity';
import {
  ReviewAccountDto,
  SharingAccountDetailDto,
  SharingAccountDto,
  SharingAccountQueryDto,
  SharingAccountsPageDto,
  SharingAccountsQueryDto,
} from './dto/sharing.dto';
import { SharingService } from './sharing.service';

/** Sharing signals (issue 16 part 3, docs/sharing.md): accounts likely shared across households, with the evidence. */
@ManagementController('sharing', 'sharing')
export class SharingController {
  constructor(private readonly sharing: SharingService) {}

  @Get('accounts')
  @ApiOperation({
    summary: 'Accounts with sharing signals on your tenants, highest score first (JSON, or CSV with format=csv or Accept: text/csv)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(SharingAccountsPageDto)
  @ApiOkResponse({
    description: 'JSON (SharingAccountsPageDto), or CSV',
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/SharingAccountsPageDto' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({ description: 'A bad parameter (problem+json naming it)' })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: SharingAccountsQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<SharingAccountsPageDto | WithHeaders<string>> {
    const csv = query.format === undefined && /\btext\/csv\b/i.test(accept ?? '');
    return this.sharing.list(actor, query, csv);
  }

  @Get('accounts/:idp/:subject')
  @ApiOperation({ summary: "An account's sharing signals (computed now) and the timeline of its starts, newest first" })
  @ApiOkResponse({ type: SharingAccountDetailDto })
  @ApiBadRequestResponse({ description: 'A bad idp, subject or tenantId; or tenantId missing while several of your tenants have data' })
  @ApiNotFoundResponse({ description: 'None of your applications played for this account in 30 days' })
  detail(
    @CurrentActor() actor: Actor,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Query() query: SharingAccountQueryDto,
  ): Promise<SharingAccountDetailDto> {
    return this.sharing.detail(actor, idp, subject, query.tenantId);
  }

  @Post('accounts/:idp/:subject/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks the account reviewed at its current score (audited: sharing.review)' })
  @ApiOkResponse({ type: SharingAccountDto })
  @ApiBadRequestResponse({ description: 'A bad idp, subject, tenantId or note' })
  @ApiNotFoundResponse({ description: 'None of your applications played for this account in 30 days' })
  review(
    @CurrentActor() actor: Actor,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Body() body: ReviewAccountDto,
  ): Promise<SharingAccountDto> {
    return this.sharing.review(actor, idp, subject, body);
  }
}
