import { Module } from '@nestjs/common';
import { PoliciesModule } from '@cm/policies';
import { TenantsModule } from '@cm/tenants';
import { ConfigurationReader } from './configuration-reader';
import { ConfigurationController } from './configuration.controller';
import { ApplyConfigurationUseCase } from './usecases/apply-configuration.usecase';
import { ExportConfigurationUseCase } from './usecases/export-configuration.usecase';

/** Configuration as code: export and apply tenants, applications and policies through their libraries' services. */
@Module({
  imports: [TenantsModule, PoliciesModule],
  controllers: [ConfigurationController],
  providers: [ConfigurationReader, ExportConfigurationUseCase, ApplyConfigurationUseCase],
})
export class ConfigurationModule {}
