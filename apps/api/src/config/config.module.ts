import { Global, Module } from '@nestjs/common';
import { OPEN_APPLICATIONS_ALLOWED } from '@cm/tenants';
import { Env } from './env';

/** Makes the validated environment injectable as `Env` everywhere. */
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
      ],
      exports: [Env, OPEN_APPLICATIONS_ALLOWED],
    };
  }
}
