import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController } from '@cm/identity';
import { ApplicationDto, ApplicationWithSecretDto, CreateApplicationDto, UpdateApplicationDto } from './dto/application.dto';
import { TenantsAdminService } from './tenants-admin.service';
import { uuidParam } from './uuid-param';

/** Applications of a tenant (DESIGN §4). Secrets are returned once, when created, required or rotated. */
@ManagementController('', 'applications')
export class ApplicationsController {
  constructor(private readonly admin: TenantsAdminService) {}

  @Post('tenants/:tenantId/applications')
  @ApiCreatedResponse({ type: ApplicationWithSecretDto })
  @ApiConflictResponse({ description: 'The application id is taken' })
  @ApiNotFoundResponse()
  create(
    @CurrentActor() actor: Actor,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Body() body: CreateApplicationDto,
  ): Promise<ApplicationWithSecretDto> {
    return this.admin.createApplication(actor, tenantId, body);
  }

  @Get('tenants/:tenantId/applications')
  @ApiOkResponse({ type: [ApplicationDto] })
  @ApiNotFoundResponse()
  list(@CurrentActor() actor: Actor, @Param('tenantId', uuidParam('tenantId')) tenantId: string): Promise<ApplicationDto[]> {
    return this.admin.listApplications(actor, tenantId);
  }

  @Get('applications/:appId')
  @ApiOkResponse({ type: ApplicationDto })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('appId') appId: string): Promise<ApplicationDto> {
    return this.admin.getApplication(actor, appId);
  }

  @Patch('applications/:appId')
  @ApiOkResponse({ type: ApplicationWithSecretDto })
  @ApiNotFoundResponse()
  update(
    @CurrentActor() actor: Actor,
    @Param('appId') appId: string,
    @Body() body: UpdateApplicationDto,
  ): Promise<ApplicationWithSecretDto> {
    return this.admin.updateApplication(actor, appId, body);
  }

  @Post('applications/:appId/secret')
  @HttpCode(200)
  @ApiOkResponse({ type: ApplicationWithSecretDto, description: 'The application with its new secret (shown once)' })
  @ApiNotFoundResponse()
  rotateSecret(@CurrentActor() actor: Actor, @Param('appId') appId: string): Promise<ApplicationWithSecretDto> {
    return this.admin.rotateSecret(actor, appId);
  }

  @Delete('applications/:appId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its running sessions ended as killed' })
  @ApiNotFoundResponse()
  delete(@CurrentActor() actor: Actor, @Param('appId') appId: string): Promise<void> {
    return this.admin.deleteApplication(actor, appId);
  }
}
