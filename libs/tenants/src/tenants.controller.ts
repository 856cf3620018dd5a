import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController, Roles } from '@cm/identity';
import { CreateTenantDto, TenantDto, UpdateTenantDto } from './dto/tenant.dto';
import { TenantsAdminService } from './tenants-admin.service';
import { uuidParam } from './uuid-param';

/** Tenants (DESIGN §4). Admins see every tenant; tenant-admins and viewers only their own. */
@ManagementController('tenants', 'tenants')
export class TenantsController {
  constructor(private readonly admin: TenantsAdminService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: TenantDto })
  @ApiConflictResponse({ description: 'The slug is taken' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTenantDto): Promise<TenantDto> {
    return this.admin.createTenant(actor, body);
  }

  @Get()
  @ApiOkResponse({ type: [TenantDto] })
  list(@CurrentActor() actor: Actor): Promise<TenantDto[]> {
    return this.admin.listTenants(actor);
  }

  @Get(':id')
  @ApiOkResponse({ type: TenantDto })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<TenantDto> {
    return this.admin.getTenant(actor, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: TenantDto })
  @ApiNotFoundResponse()
  update(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() body: UpdateTenantDto): Promise<TenantDto> {
    return this.admin.updateTenant(actor, id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The tenant still has applications or policies' })
  delete(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.admin.deleteTenant(actor, id);
  }
}
