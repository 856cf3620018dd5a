import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

export class AccountDeviceDto {
  @ApiProperty({ example: 'living-room-tv', description: "The value of the rule's `by` attribute (deviceId by default)" })
  deviceId!: string;
  @ApiProperty({ example: 'Living room TV', description: 'deviceName the player sent at its last start (Unknown when none)' })
  name!: string;
  @ApiProperty({ example: 'tvOS', description: 'platform the player sent, else the application platform' }) platform!: string;
  @ApiProperty({ type: String, format: 'date-time' }) firstSeen!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'The last start from this device' }) lastSeen!: string;
  @ApiProperty({ format: 'uuid', description: 'The policy whose device-registration rule keeps this register' }) policyId!: string;
  @ApiProperty({ example: 'Households' }) policyName!: string;
  @ApiProperty({ example: '5 devices' }) ruleName!: string;
  @ApiProperty({ example: 5, description: "The rule's device limit" }) limit!: number;
}

export class AccountDevicesDto {
  @ApiProperty() idp!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ type: [AccountDeviceDto], description: 'Registered devices of the policies you can see, first registered first' })
  devices!: AccountDeviceDto[];
}

export class HomeNetworkDto {
  @ApiProperty({ example: '203.0.113.0/24' }) networkId!: string;
  @ApiProperty({ enum: ['operator', 'playback'], description: 'Set by an operator, or the network of most starts over 30 days' })
  source!: 'operator' | 'playback';
}

export class NetworkUseDto {
  @ApiProperty({ example: '203.0.113.0/24', description: 'network.id: the /24 (IPv4) or /56 (IPv6) of the client address' })
  networkId!: string;
  @ApiProperty({ example: 'GB', nullable: true, type: String, description: 'From the IP database; null when unknown' })
  country!: string | null;
  @ApiProperty({ example: 64496, nullable: true, type: Number, description: 'Autonomous system number; null when unknown' })
  asn!: number | null;
  @ApiProperty({ example: 12, description: 'Admitted starts over the last 30 days' }) starts!: number;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeen!: Date;
  @ApiProperty({ description: 'This is the home network' }) home!: boolean;
}

export class TenantNetworksDto {
  @ApiProperty({ format: 'uuid', description: 'The tenant whose applications played (or whose operator chose the home)' })
  tenantId!: string;
  @ApiProperty({ example: 'Demo' }) tenantName!: string;
  @ApiProperty({
    type: HomeNetworkDto,
    nullable: true,
    description: "This tenant's home network for the account: null until its applications play or its operator sets one",
  })
  home!: HomeNetworkDto | null;
  @ApiProperty({ type: [NetworkUseDto], description: "Networks of this tenant's starts over 30 days, most starts first (at most 50)" })
  networks!: NetworkUseDto[];
}

export class AccountNetworksDto {
  @ApiProperty() idp!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({
    type: [TenantNetworksDto],
    description:
      'Per tenant (home networks are per tenant): each of your tenants whose applications played for the account in 30 days or whose operator set its home; empty when none',
  })
  tenants!: TenantNetworksDto[];
}

export class AccountNetworksQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this tenant's networks (another tenant's: 404)" })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}

export class SetHomeNetworkDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.0/24',
    description: "A /24 (IPv4) or /56 (IPv6) network, or an address in it; null goes back to the network of most of the tenant's playback",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(64)
  networkId!: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The tenant whose home network this is; needed when several of your tenants have networks for the account',
  })
  @IsOptional()
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId?: string;
}
