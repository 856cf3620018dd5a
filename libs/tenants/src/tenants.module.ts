import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApplicationEntity } from './application.entity';
import { ApplicationsService } from './applications.service';
import { ConfigEpochEntity } from './config-epoch.entity';
import { ConfigEpochService } from './config-epoch.service';
import { TenantEntity } from './tenant.entity';
import { TenantsService } from './tenants.service';

@Module({
  imports: [TypeOrmModule.forFeature([TenantEntity, ApplicationEntity, ConfigEpochEntity])],
  providers: [TenantsService, ApplicationsService, ConfigEpochService],
  exports: [TenantsService, ApplicationsService, ConfigEpochService],
})
export class TenantsModule {}
