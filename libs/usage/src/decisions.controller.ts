import { Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController } from '@cm/identity';
import { DecisionsService } from './decisions.service';
import { AccountDecisionsDto, RecentDecisionsDto, RecentDecisionsQueryDto } from './dto/decision.dto';

/** The decision log: why an account was denied or dismissed, and the newest decisions for the Live page. */
@ManagementController('', 'decisions')
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Get('subjects/:idp/:subject/decisions')
  @ApiOperation({ summary: "An account's denials and dismissals with the rules and the conflicting streams, newest first" })
  @ApiOkResponse({ type: AccountDecisionsDto })
  @ApiBadRequestResponse({ description: 'idp or subject is empty, too long or holds control characters' })
  forAccount(@CurrentActor() actor: Actor, @Param('idp') idp: string, @Param('subject') subject: string): Promise<AccountDecisionsDto> {
    return this.decisions.forAccount(actor, idp, subject);
  }

  @Get('usage/decisions')
  @ApiOperation({ summary: 'The newest denials and dismissals on the applications of your tenants, with the account' })
  @ApiOkResponse({ type: RecentDecisionsDto })
  @ApiBadRequestResponse({ description: 'A bad limit or tenantId' })
  recent(@CurrentActor() actor: Actor, @Query() query: RecentDecisionsQueryDto): Promise<RecentDecisionsDto> {
    return this.decisions.recent(actor, query);
  }
}
