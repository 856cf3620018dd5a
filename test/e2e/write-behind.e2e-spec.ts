import { EventEmitter2 } from '@nestjs/event-emitter';
import { SessionEvents, type SessionDeniedEvent, type SessionStartedEvent } from '@cm/sessions';
import { SharingRecorder } from '@cm/sharing';
import { DecisionLog } from '@cm/usage';
import { v7 as uuidv7 } from 'uuid';
import { givenApplication, startTestApp, type TestApp } from '../support/app';

/**
 * One row the database refuses never jams a write-behind buffer: it is set aside (logged, counted in
 * cm_writebehind_rejected_total) and the others are written, now and in later flushes. The rows are put on the
 * buffers' own event feed, as the session use cases do: text the edge refuses (NUL, lone surrogates) stands for
 * any datum PostgreSQL might refuse that no check caught.
 */
describe('write-behind buffers set a refused row aside and write the rest', () => {
  let t: TestApp;
  let applicationId: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp({});
    const given = await givenApplication(t, [{ name: 'one', limit: 1 }]);
    applicationId = given.application.id;
    tenantId = given.tenant.id;
  });
  afterAll(() => t.close());

  const rejected = async (buffer: string): Promise<number> => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`cm_writebehind_rejected_total{buffer="${buffer}"} `));
    return Number(line?.split(' ')[1]);
  };

  const denial = (subject: string, deviceName: string): SessionDeniedEvent => ({
    applicationId,
    idp: 'wb-idp',
    subject,
    policyIds: [],
    metadata: { deviceName },
    advice: { associatedAdvice: [], obligations: [] },
    at: new Date(),
  });

  it('decision log: one poisoned decision among 100 valid ones, the 100 saved, and the log keeps flowing', async () => {
    const events = t.app.get(EventEmitter2);
    const log = t.app.get(DecisionLog);
    expect(await rejected('decisions')).toBe(0);
    for (let i = 0; i < 100; i++) {
      events.emit(SessionEvents.denied, denial(`viewer-${i}`, `tv ${i}`));
      if (i === 37) events.emit(SessionEvents.denied, denial('attacker', '\ud800'));
    }
    await log.flush();
    const saved = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE idp = 'wb-idp' AND subject LIKE 'viewer-%'`);
    expect(saved[0].n).toBe(100);
    expect(await t.sql(`SELECT 1 FROM decisions WHERE subject = 'attacker'`)).toEqual([]);
    expect(await rejected('decisions')).toBe(1);
    // Nothing is left to retry: the next flush writes only what came after.
    expect(log.unwritten()).toEqual([]);
    events.emit(SessionEvents.denied, denial('later', 'phone'));
    await log.flush();
    expect(await t.sql(`SELECT subject FROM decisions WHERE subject = 'later'`)).toEqual([{ subject: 'later' }]);
  });

  it('sharing starts: one poisoned start among 100 valid ones, the 100 saved', async () => {
    const events = t.app.get(EventEmitter2);
    const start = (subject: string, deviceId: string): SessionStartedEvent => ({
      sessionId: uuidv7(),
      applicationId,
      tenantId,
      idp: 'wb-idp',
      subject,
      network: null,
      deviceId,
      at: new Date(),
    });
    for (let i = 0; i < 100; i++) {
      events.emit(SessionEvents.started, start(`sharer-${i}`, `device-${i}`));
      if (i === 63) events.emit(SessionEvents.started, start('attacker', 'dev\u0000ice'));
    }
    await t.app.get(SharingRecorder).flush();
    const saved = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM sharing_starts WHERE idp = 'wb-idp' AND subject LIKE 'sharer-%'`,
    );
    expect(saved[0].n).toBe(100);
    expect(await rejected('sharing-starts')).toBe(1);
  });
});
