import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '@cm/tenants';
import { ApplicationPolicyEntity } from './application-policy.entity';
import { PoliciesAdminService } from './policies-admin.service';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { PolicyShareEntity } from './policy-share.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { PolicyEntity } from './policy.entity';
import { SimulateService } from './simulate.service';

@Module({
  imports: [TenantsModule, TypeOrmModule.forFeature([PolicyEntity, PolicyVersionEntity, ApplicationPolicyEntity, PolicyShareEntity])],
  controllers: [PoliciesController],
  providers: [PoliciesService, PoliciesAdminService, SimulateService],
  exports: [PoliciesService],
})
export class PoliciesModule {}
