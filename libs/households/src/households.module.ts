import { Module } from '@nestjs/common';
import { TenantsModule } from '@cm/tenants';
import { DevicesService } from './devices.service';
import { HouseholdsRepository } from './households.repository';
import { HouseholdsRetention } from './households-retention';
import { NetworksService } from './networks.service';

/** Devices and networks of accounts (issue 16): registers, removals, home networks. Owns its tables. */
@Module({
  imports: [TenantsModule],
  providers: [HouseholdsRepository, DevicesService, NetworksService, HouseholdsRetention],
  exports: [DevicesService, NetworksService, HouseholdsRetention],
})
export class HouseholdsModule {}
