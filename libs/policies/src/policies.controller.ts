import { Body, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController, Roles } from '@cm/identity';
import {
  AttachedPoliciesDto,
  AttachPoliciesDto,
  PolicyDetailDto,
  PolicyDto,
  PolicyInputDto,
  PolicyListItemDto,
  PolicyVersionDto,
  SharesDto,
} from './dto/policy.dto';
import { SimulateDto, SimulationDto } from './dto/simulate.dto';
import { PoliciesAdminService } from './policies-admin.service';
import { SimulateService } from './simulate.service';
import { uuidParam } from './uuid-param';

/** Policies, their versions and shares, attachments to applications, and the simulator (DESIGN §4). */
@ManagementController('', 'policies')
export class PoliciesController {
  constructor(
    private readonly admin: PoliciesAdminService,
    private readonly simulator: SimulateService,
  ) {}

  @Post('tenants/:tenantId/policies')
  @ApiCreatedResponse({ type: PolicyDto })
  @ApiConflictResponse({ description: 'The name is taken in this tenant' })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Body() body: PolicyInputDto,
  ): Promise<PolicyDto> {
    return this.admin.create(actor, tenantId, body);
  }

  @Get('tenants/:tenantId/policies')
  @ApiOkResponse({ type: [PolicyListItemDto], description: "The tenant's policies and those shared with it (shared: true)" })
  list(@CurrentActor() actor: Actor, @Param('tenantId', uuidParam('tenantId')) tenantId: string): Promise<PolicyListItemDto[]> {
    return this.admin.list(actor, tenantId);
  }

  /** Declared before `policies/:id` routes; a POST never matches them anyway. */
  @Post('policies/simulate')
  @HttpCode(200)
  @Roles('admin', 'tenant-admin', 'viewer')
  @ApiOkResponse({ type: SimulationDto, description: 'What the CM API would answer; nothing is stored' })
  simulate(@CurrentActor() actor: Actor, @Body() body: SimulateDto): Promise<SimulationDto> {
    return this.simulator.run(actor, body);
  }

  @Get('policies/:id')
  @ApiOkResponse({ type: PolicyDetailDto })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<PolicyDetailDto> {
    return this.admin.get(actor, id);
  }

  @Put('policies/:id')
  @ApiOkResponse({ type: PolicyDto, description: 'Replaced; the previous state is kept as a version' })
  @ApiNotFoundResponse()
  replace(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() body: PolicyInputDto): Promise<PolicyDto> {
    return this.admin.replace(actor, id, body);
  }

  @Delete('policies/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Still attached to an application' })
  delete(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.admin.delete(actor, id);
  }

  @Get('policies/:id/versions')
  @ApiOkResponse({ type: [PolicyVersionDto], description: 'Newest first' })
  versions(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<PolicyVersionDto[]> {
    return this.admin.versions(actor, id);
  }

  @Put('policies/:id/shares')
  @ApiOkResponse({ type: SharesDto })
  async share(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() body: SharesDto): Promise<SharesDto> {
    return { tenantIds: await this.admin.share(actor, id, body.tenantIds) };
  }

  @Get('applications/:appId/policies')
  @ApiOkResponse({ type: AttachedPoliciesDto })
  async attached(@CurrentActor() actor: Actor, @Param('appId') appId: string): Promise<AttachedPoliciesDto> {
    return { policyIds: await this.admin.attachedPolicies(actor, appId) };
  }

  @Put('applications/:appId/policies')
  @ApiOkResponse({ type: AttachedPoliciesDto })
  async attach(@CurrentActor() actor: Actor, @Param('appId') appId: string, @Body() body: AttachPoliciesDto): Promise<AttachedPoliciesDto> {
    return { policyIds: await this.admin.attach(actor, appId, body.policyIds) };
  }
}
