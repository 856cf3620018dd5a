import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApplicationEntity } from './application.entity';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ConfigEpochEntity } from './config-epoch.entity';
import { ConfigEpochService } from './config-epoch.service';
import { TenantEntity } from './tenant.entity';
import { TenantsAdminService } from './tenants-admin.service';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ApplicationEntity, ConfigEpochEntity])],
  controllers: [TenantsController, ApplicationsController],
  providers: [TenantsService, ApplicationsService, ConfigEpochService, TenantsAdminService],
  exports: [TenantsService, ApplicationsService, ConfigEpochService],
})
export class TenantsModule {}
