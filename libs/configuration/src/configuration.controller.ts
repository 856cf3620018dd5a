import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { type Actor, CurrentActor, ManagementController, Roles } from '@cm/identity';
import { ApplyConfigurationDto, ConfigurationApplyResultDto, ExportConfigurationQueryDto } from './dto/apply.dto';
import { ConfigurationDto } from './dto/configuration.dto';
import { ApplyConfigurationUseCase } from './usecases/apply-configuration.usecase';
import { ExportConfigurationUseCase } from './usecases/export-configuration.usecase';

/** Configuration as code: export the tenants you can see as a file, plan and apply a file (README "Configuration as code"). */
@ManagementController('configuration', 'configuration')
export class ConfigurationController {
  constructor(
    private readonly exporter: ExportConfigurationUseCase,
    private readonly applier: ApplyConfigurationUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The configuration of the tenants you can see, as a configuration file states it (no secrets)' })
  @ApiOkResponse({ type: ConfigurationDto })
  @ApiNotFoundResponse({ description: 'The tenant asked for is not one you can see' })
  export(@CurrentActor() actor: Actor, @Query() query: ExportConfigurationQueryDto): Promise<ConfigurationDto> {
    return this.exporter.execute(actor, query);
  }

  @Post('apply')
  @HttpCode(200)
  @Roles('admin', 'tenant-admin', 'viewer')
  @ApiOperation({
    summary: 'Plan (dryRun) or apply a configuration file',
    description:
      'Checks everything first, then writes each tenant in one transaction after checking its version; one audit entry per tenant ' +
      'holds the diff. Viewers may only plan. Objects the file does not list are deleted only with prune.',
  })
  @ApiOkResponse({ type: ConfigurationApplyResultDto })
  @ApiNotFoundResponse({ description: 'The file names a tenant, policy or tenant id you cannot see' })
  @ApiConflictResponse({ description: 'A tenant changed since the plan (CONFIGURATION_CHANGED), or the file clashes with the server' })
  apply(@CurrentActor() actor: Actor, @Body() body: ApplyConfigurationDto): Promise<ConfigurationApplyResultDto> {
    return this.applier.execute(actor, body);
  }
}
