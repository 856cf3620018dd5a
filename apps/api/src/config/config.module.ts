import { Global, Module } from '@nestjs/common';
import { OutboundGuard } from '@cm/outbound';
import { OPEN_APPLICATIONS_ALLOWED } from '@cm/tenants';
import { Env } from './env';

/**
 * Makes the validated environment injectable as `Env` everywhere, and what follows from it: whether open applications
 * are allowed, and the `OutboundGuard` every fetch of an operator-configured URL goes through.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Env) {
    const openApplications = env.CM_ENV !== 'production' || env.CM_ALLOW_OPEN_APPLICATIONS;
    return {
      module: ConfigModule,
      providers: [
        { provide: Env, useValue: env },
        { provide: OPEN_APPLICATIONS_ALLOWED, useValue: openApplications },
        {
          provide: OutboundGuard,
          useValue: new OutboundGuard({ production: env.CM_ENV === 'production', allowPrivate: env.CM_ALLOW_PRIVATE_URLS }),
        },
      ],
      exports: [Env, OPEN_APPLICATIONS_ALLOWED, OutboundGuard],
    };
  }
}
