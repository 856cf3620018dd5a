import { Module } from '@nestjs/common';
import { TenantsModule } from '@cm/tenants';
import { PoliciesAdminService } from './policies-admin.service';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { SimulateService } from './simulate.service';

@Module({
  imports: [TenantsModule],
  controllers: [PoliciesController],
  providers: [PoliciesService, PoliciesAdminService, SimulateService],
  exports: [PoliciesService],
})
export class PoliciesModule {}
