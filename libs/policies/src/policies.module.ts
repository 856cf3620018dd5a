import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '@cm/tenants';
import { ApplicationPolicyEntity } from './application-policy.entity';
import { PoliciesService } from './policies.service';
import { PolicyShareEntity } from './policy-share.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { PolicyEntity } from './policy.entity';

@Module({
  imports: [TenantsModule, TypeOrmModule.forFeature([PolicyEntity, PolicyVersionEntity, ApplicationPolicyEntity, PolicyShareEntity])],
  providers: [PoliciesService],
  exports: [PoliciesService],
})
export class PoliciesModule {}
