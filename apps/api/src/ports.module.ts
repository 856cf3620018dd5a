import { Global, Module } from '@nestjs/common';
import { TENANT_REGISTRY } from '@cm/identity';
import { TenantsModule, TenantsService } from '@cm/tenants';

/**
 * Ports a lower library declares and a higher one serves, bound here in the composition root (a library never
 * imports one above it): identity asks whether tenants exist through TENANT_REGISTRY, served by libs/tenants.
 */
@Global()
@Module({
  imports: [TenantsModule],
  providers: [{ provide: TENANT_REGISTRY, useExisting: TenantsService }],
  exports: [TENANT_REGISTRY],
})
export class PortsModule {}
