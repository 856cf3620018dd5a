import { Injectable } from '@nestjs/common';
import type { ApplicationContext } from '../application-directory';

/** `GET /v2/metadata`: the attribute names the application's policies need, and when its configuration last changed. */
@Injectable()
export class RequiredMetadata {
  execute(ctx: ApplicationContext): { names: string[]; lastModified: Date } {
    return { names: ctx.requiredMetadata, lastModified: ctx.app.updatedAt };
  }
}
