import type { EndReason } from '@cm/contracts';

/** Domain events of the sessions library (emitted through @nestjs/event-emitter after the change committed). */
export const SessionEvents = {
  started: 'session.started',
  denied: 'session.denied',
  ended: 'session.ended',
} as const;

export interface SessionStartedEvent {
  sessionId: string;
  applicationId: string;
  idp: string;
  subject: string;
  at: Date;
}

export interface SessionDeniedEvent {
  applicationId: string;
  idp: string;
  subject: string;
  /** Ids of the policies whose rules denied the stream. */
  policyIds: string[];
  at: Date;
}

export interface SessionEndedEvent {
  sessionId: string;
  applicationId: string;
  idp: string;
  subject: string;
  reason: EndReason;
  at: Date;
}
