import { Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController } from '@cm/identity';
import { AccountSessionsService } from './accounts.service';
import { AccountSessionsDto } from './dto/account-sessions.dto';

/** Account look-up and operator kill (DESIGN §4 "accounts"). */
@ManagementController('', 'accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountSessionsService) {}

  @Get('subjects/:idp/:subject/sessions')
  @ApiOkResponse({ type: AccountSessionsDto })
  lookup(@CurrentActor() actor: Actor, @Param('idp') idp: string, @Param('subject') subject: string): Promise<AccountSessionsDto> {
    return this.accounts.lookup(actor, idp, subject);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "Ended as killed: the player's next heartbeat gets 410 naming the operator console" })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The session has already ended' })
  kill(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    return this.accounts.kill(actor, id);
  }
}
