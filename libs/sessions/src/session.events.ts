import type { AdviceBody, EndReason, Metadata } from '@cm/contracts';
import type { ClientNetwork } from '@cm/households';
import type { StoredSession } from './session-store.port';

/** Domain events of the sessions library (emitted through @nestjs/event-emitter after the change committed). */
export const SessionEvents = {
  started: 'session.started',
  denied: 'session.denied',
  ended: 'session.ended',
} as const;

export interface SessionStartedEvent {
  sessionId: string;
  applicationId: string;
  /** The application's tenant. */
  tenantId: string;
  idp: string;
  subject: string;
  /** Where the start came from (address, network, country, ASN), or null when unknown (no client address, degraded re-admission). */
  network: ClientNetwork | null;
  /** The start's `deviceId` metadata, or null without one. */
  deviceId: string | null;
  at: Date;
}

export interface SessionDeniedEvent {
  applicationId: string;
  idp: string;
  subject: string;
  /** Ids of the policies whose rules denied the stream. */
  policyIds: string[];
  /** The metadata of the device that asked (the refused candidate). */
  metadata: Metadata;
  /** The 409 body the player got: the rules, their messages and the conflicting streams. */
  advice: AdviceBody;
  at: Date;
}

export interface SessionEndedEvent {
  sessionId: string;
  applicationId: string;
  idp: string;
  subject: string;
  reason: EndReason;
  /** `dismissed`: the 409 body its next call gets; `killed`: the remote-termination body. Absent otherwise. */
  detail?: AdviceBody;
  /** The ended session's metadata (its device), when the emitter has it at hand. */
  metadata?: Metadata;
  at: Date;
}

/** The `session.ended` event of a stream ended from outside the player (an operator kill, a device removal). */
export function killedEvent(s: StoredSession, detail: AdviceBody, at: Date): SessionEndedEvent {
  return {
    sessionId: s.id,
    applicationId: s.applicationId,
    idp: s.idp,
    subject: s.subject,
    reason: 'killed',
    detail,
    metadata: s.metadata,
    at,
  };
}
