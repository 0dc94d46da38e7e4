// Credentials bound to the user who logged in with them: the session cookie a successful login
// request carried, and the tokens its JSON response handed out (by fingerprint, never the value).
// A later request with that credential is the user's. Bounded (oldest learned forgotten first,
// counted) and stored on flush, so a restart knows what the last run learned.

export const C_BINDINGS_EVICTED = 'identity.bindings.evicted';

export interface StoredBinding {
  credential: string;
  /** The `user:` identity it is bound to. */
  identity: string;
  learnedAt: number;
}

const USER = 'user:';

export class Bindings {
  /** Fingerprint → user value (what follows `user:`); insertion order is learning order (a rebinding moves to the end). */
  private readonly byCredential = new Map<string, string>();
  private changed: StoredBinding[] = [];
  private removed: string[] = [];

  constructor(
    private readonly max: number,
    private readonly onEvict: (n: number) => void,
  ) {}

  get size(): number {
    return this.byCredential.size;
  }

  get(credential: string): string | undefined {
    return this.byCredential.get(credential);
  }

  bind(credential: string, user: string, ts: number): void {
    if (this.byCredential.get(credential) === user) return;
    this.byCredential.delete(credential);
    if (this.byCredential.size >= this.max) {
      const oldest = this.byCredential.keys().next().value;
      if (oldest !== undefined) {
        this.byCredential.delete(oldest);
        this.removed.push(oldest);
        this.onEvict(1);
      }
    }
    this.byCredential.set(credential, user);
    this.changed.push({ credential, identity: USER + user, learnedAt: ts });
  }

  /** Stored bindings, oldest first. */
  load(rows: readonly StoredBinding[]): void {
    for (const row of rows) {
      if (this.byCredential.size >= this.max) break;
      if (row.identity.startsWith(USER)) this.byCredential.set(row.credential, row.identity.slice(USER.length));
    }
  }

  take(): { changed: StoredBinding[]; removed: string[] } {
    const out = { changed: this.changed, removed: this.removed };
    this.changed = [];
    this.removed = [];
    return out;
  }
}
