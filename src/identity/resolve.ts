// Which identity a request names: the first source in `identity.precedence` that the request
// carries, else its client IP. A credential with a JWT `sub` names that user; one a login handed out
// (bindings) names the user who logged in; any other names itself by fingerprint. A Basic credential
// names its user (or, with an empty password, itself: the user part is then the secret).
import type { JwtClaims } from '../core/jwt';
import type { HttpTransaction, TransactionCredential } from '../http/types';
import type { Bindings } from './bindings';
import type { IdentitySource } from './config';
import type { IdentityNaming } from './naming';
import type { IdentityKind, IdentitySourceKind } from './types';

/** What resolution chose; one object reused for every request. */
export interface Resolution {
  kind: IdentityKind;
  /** What follows `kind:`. */
  value: string;
  source: IdentitySourceKind;
  /** Claims of the JWT that named the identity, if one did. */
  claims: JwtClaims | null;
}

type CredentialFilter = (c: TransactionCredential) => boolean;

const FILTERS: Record<Exclude<IdentitySource, 'login'>, CredentialFilter> = {
  'api-key': (c) => c.kind === 'api-key-header' || c.kind === 'api-key-query',
  bearer: (c) => c.kind === 'bearer-jwt' || c.kind === 'bearer-opaque',
  basic: (c) => c.kind === 'basic',
  'session-cookie': (c) => c.kind === 'session-cookie',
};

export class Resolver {
  private readonly out: Resolution = { kind: 'ip', value: '', source: 'ip', claims: null };

  constructor(
    private readonly precedence: readonly IdentitySource[],
    private readonly naming: IdentityNaming,
    private readonly bindings: Bindings,
  ) {}

  /** The identity of `tx`, whose real client is `clientIp` and which logs in as `loginUser` (or null). */
  resolve(tx: HttpTransaction, clientIp: string, loginUser: string | null): Resolution {
    this.out.claims = null;
    const creds = tx.credentials;
    for (let i = 0; i < this.precedence.length; i++) {
      const source = this.precedence[i];
      if (source === 'login') {
        if (loginUser !== null) return this.set('user', this.naming.userValue(loginUser), 'login');
        continue;
      }
      if (source === undefined || creds.length === 0) continue;
      const filter = FILTERS[source];
      for (let j = 0; j < creds.length; j++) {
        const c = creds[j];
        if (c !== undefined && filter(c)) return this.fromCredential(c);
      }
    }
    return this.set('ip', clientIp, 'ip');
  }

  private fromCredential(c: TransactionCredential): Resolution {
    if (c.kind === 'basic') return c.name !== null ? this.set('user', this.naming.userValue(c.name), 'basic') : this.set('key', c.hash, 'basic');
    this.out.claims = c.claims;
    const sub = c.claims?.sub ?? null;
    if (sub !== null && sub !== '') return this.set('user', this.naming.userValue(sub), c.kind);
    const bound = this.bindings.get(c.hash);
    if (bound !== undefined) return this.set('user', bound, 'binding');
    return this.set('key', c.hash, c.kind);
  }

  private set(kind: IdentityKind, value: string, source: IdentitySourceKind): Resolution {
    const out = this.out;
    out.kind = kind;
    out.value = value;
    out.source = source;
    return out;
  }
}
