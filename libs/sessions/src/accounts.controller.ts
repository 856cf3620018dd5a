import { Body, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController } from '@cm/identity';
import { AccountHouseholdsService } from './account-households.service';
import { AccountSessionsService } from './accounts.service';
import { AccountDevicesDto, AccountNetworksDto, AccountNetworksQueryDto, SetHomeNetworkDto } from './dto/account-households.dto';
import { AccountSessionsDto } from './dto/account-sessions.dto';

/** Account look-up and operator kill (DESIGN §4 "accounts"). */
@ManagementController('', 'accounts')
export class AccountsController {
  constructor(
    private readonly accounts: AccountSessionsService,
    private readonly households: AccountHouseholdsService,
  ) {}

  @Get('subjects/:idp/:subject/sessions')
  @ApiOkResponse({ type: AccountSessionsDto })
  lookup(@CurrentActor() actor: Actor, @Param('idp') idp: string, @Param('subject') subject: string): Promise<AccountSessionsDto> {
    return this.accounts.lookup(actor, idp, subject);
  }

  @Get('subjects/:idp/:subject/devices')
  @ApiOkResponse({ type: AccountDevicesDto })
  devices(@CurrentActor() actor: Actor, @Param('idp') idp: string, @Param('subject') subject: string): Promise<AccountDevicesDto> {
    return this.households.devicesOf(actor, idp, subject);
  }

  @Delete('subjects/:idp/:subject/devices/:deviceId')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      "Removed from the account's registers (no swap quota used); its running streams end (410 device-removed at their next heartbeat)",
  })
  @ApiNotFoundResponse({ description: 'No register you can see holds this device' })
  removeDevice(
    @CurrentActor() actor: Actor,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('deviceId') deviceId: string,
  ): Promise<void> {
    return this.households.remove(actor, idp, subject, deviceId);
  }

  @Get('subjects/:idp/:subject/networks')
  @ApiOkResponse({ type: AccountNetworksDto })
  @ApiNotFoundResponse({ description: 'tenantId names a tenant that is not yours' })
  networks(
    @CurrentActor() actor: Actor,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Query() query: AccountNetworksQueryDto,
  ): Promise<AccountNetworksDto> {
    return this.households.networksOf(actor, idp, subject, query.tenantId);
  }

  @Put('subjects/:idp/:subject/home-network')
  @ApiOkResponse({ type: AccountNetworksDto, description: "The tenant's networks after the change (one item in tenants)" })
  @ApiBadRequestResponse({ description: 'A bad networkId or tenantId; or tenantId missing while several of your tenants have networks' })
  @ApiNotFoundResponse({ description: 'None of your applications played for this account in 30 days, or tenantId is not yours' })
  setHomeNetwork(
    @CurrentActor() actor: Actor,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Body() body: SetHomeNetworkDto,
  ): Promise<AccountNetworksDto> {
    return this.households.setHome(actor, idp, subject, body.networkId ?? null, body.tenantId);
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
