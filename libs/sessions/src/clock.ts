import { Injectable } from '@nestjs/common';

/**
 * "Now" for what this library decides in process: throttle windows and the retention cut-off. Expiry and grace
 * stay on the database's clock (so several processes agree). Tests replace `now` on the provider
 * (`jest.spyOn(app.get(Clock), 'now')`) to replay a timed scenario; in production it is `Date.now()`, one call.
 */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
