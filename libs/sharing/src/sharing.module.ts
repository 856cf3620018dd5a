import { type DynamicModule, Module } from '@nestjs/common';
import { TenantsModule } from '@cm/tenants';
import { SharingController } from './sharing.controller';
import { SharingRecorder } from './sharing-recorder';
import { SharingRepository } from './sharing.repository';
import { SharingService } from './sharing.service';
import { SHARING_OPTIONS, type SharingOptions } from './sharing.options';

/**
 * Sharing signals (issue 16 part 3): fed by the session events (never on the player path), scored per tenant and
 * account, read and reviewed through the management API. Owns sharing_starts, sharing_scores, sharing_reviews.
 */
@Module({})
export class SharingModule {
  static forRoot(options: SharingOptions): DynamicModule {
    return {
      module: SharingModule,
      imports: [TenantsModule],
      controllers: [SharingController],
      providers: [{ provide: SHARING_OPTIONS, useValue: options }, SharingRepository, SharingRecorder, SharingService],
      exports: [SharingRecorder],
    };
  }
}
