// What follows `kind:` in an identity, and what an analyst is shown for it. Keys, tokens and cookies
// are named by the keyed fingerprint the HTTP stage made (32 hex; shown as its first 8); user names
// are shown as sent, or, with `identity.hashUsernames`, as a keyed hash too; addresses as they are.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { IdentityKind } from './types';

/** Hex characters of a fingerprint shown to people. */
export const DISPLAY_HEX = 8;
/** Bytes of a keyed hash kept as a fingerprint: the same as the HTTP stage's credential fingerprints. */
const HASH_BYTES = 16;
/** Hashed user names remembered; a full cache is emptied (they are recomputed on demand). */
const MAX_CACHED_USERS = 65536;

/**
 * HMAC-SHA256 of `secret` keyed by the installation key, as 32 hex characters: the same function
 * as the HTTP stage's credential fingerprints (http/credentials.ts), so a token read from a login
 * response matches the fingerprint of the same token on later requests.
 */
export function fingerprint(key: KeyObject, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest().toString('hex', 0, HASH_BYTES);
}

export class IdentityNaming {
  private keyObject: KeyObject | null = null;
  private readonly hashedUsers = new Map<string, string>();

  constructor(
    private readonly installationKey: () => Buffer,
    private readonly hashUsernames: boolean,
  ) {}

  /** The installation key, read when first needed (a sensor without credentials never reads it). */
  key(): KeyObject {
    this.keyObject ??= createSecretKey(this.installationKey());
    return this.keyObject;
  }

  /** The value of a `user:` identity: the name, or its keyed hash. */
  userValue(name: string): string {
    if (!this.hashUsernames) return name;
    let hash = this.hashedUsers.get(name);
    if (hash === undefined) {
      hash = fingerprint(this.key(), `user:${name}`);
      if (this.hashedUsers.size >= MAX_CACHED_USERS) this.hashedUsers.clear();
      this.hashedUsers.set(name, hash);
    }
    return hash;
  }

  display(kind: IdentityKind, value: string): string {
    if (kind === 'key' || (kind === 'user' && this.hashUsernames)) return value.slice(0, DISPLAY_HEX);
    return value;
  }
}
