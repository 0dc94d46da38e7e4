// Records of the audit trail (issue 17): every analyst action that changes what the sensor reports
// (feedback, suppressions, endpoint edits, model rollback, token rotation, later gateway decisions)
// with who did it, when and what. Stored in the state database and emitted to the alert sinks, so a
// SIEM sees someone silencing alerts even when the sensor's own store is later tampered with.

/** How the actor was authenticated. */
export type ActorKind = 'token' | 'local-user' | 'unix-socket' | 'client-certificate' | 'system';

export interface AuditActor {
  readonly kind: ActorKind;
  /** Token name, local user name, or the certificate's subject; never a secret. */
  readonly name: string;
  /** Remote address for API calls (absent for the CLI). */
  readonly address?: string;
}

/** Every action the trail records (`tapwatch audit --action` takes these). */
export const AUDIT_ACTIONS = [
  'alert.feedback',
  'suppression.add',
  'suppression.delete',
  'endpoint.approve',
  'endpoint.merge',
  'endpoint.split',
  'endpoint.rename',
  'model.rollback',
  'token.rotate',
  'token.add',
  'token.remove',
  'decision.add',
  'decision.withdraw',
  'decision.revoke',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  /** What was acted on: an alert id, suppression id, endpoint key, model version, token name. */
  readonly target: string;
  /** Small JSON-serialisable details (verdict, note, the suppression rule, ...); never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditEntry {
  /** Sortable id (the same scheme as alert ids). */
  readonly id: string;
  /** Wall-clock seconds since the epoch. */
  readonly at: number;
}

/** Where an action's audit record goes; the daemon and the CLI each provide one. */
export type AuditSink = (entry: AuditEntry) => AuditRecord | void;
