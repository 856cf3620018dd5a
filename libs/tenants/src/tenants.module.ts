import { Module } from '@nestjs/common';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ConfigEpochService } from './config-epoch.service';
import { TenantsAdminService } from './tenants-admin.service';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  controllers: [TenantsController, ApplicationsController],
  providers: [TenantsService, ApplicationsService, ConfigEpochService, TenantsAdminService],
  exports: [TenantsService, ApplicationsService, ConfigEpochService],
})
export class TenantsModule {}
