// Logging in on the simulated clock: the token the API will return is known from who logs in and
// when, so later requests of the visit carry it; typos and resets are part of normal life.
import { PATHS } from '../spec';
import { mistype, resetCode, TOKEN_LIFETIME_SEC } from '../world/credentials';
import type { PlanContext, IssuedToken } from './context';
import { json, type VisitBuilder } from './visit-builder';
import type { Rng } from '../prng';

export interface Account {
  readonly actor: string;
  readonly email: string;
  readonly role: string;
}

/** One login request with `password`; returns the token it yields when the password is right. */
export function loginAttempt(b: VisitBuilder, ctx: PlanContext, account: Account, password: string, right: boolean): IssuedToken | null {
  const at = Math.round(b.t);
  b.call('POST', PATHS.login, { body: json({ email: account.email, password }) });
  ctx.secret(account.actor, password);
  if (!right) return null;
  const iat = Math.floor(at / 1_000_000);
  const issued: IssuedToken = { token: ctx.world.tokens.issue(account.email, account.role, iat), owner: account.email, iatUs: iat * 1_000_000, expUs: (iat + TOKEN_LIFETIME_SEC) * 1_000_000 };
  ctx.addToken(issued);
  ctx.secret(account.actor, issued.token);
  return issued;
}

/** A person logging in: sometimes a typo first, rarely a forgotten password and a reset. */
export function personLogin(b: VisitBuilder, ctx: PlanContext, rng: Rng, account: Account, state: { password: string }, typoRate: number, newPassword: () => string): IssuedToken {
  if (rng.chance(0.004)) {
    const code = resetCode(ctx.world.seed, account.email, Math.floor(b.t / 1_000_000));
    b.call('POST', PATHS.forgetPassword, { body: json({ email: account.email }) });
    b.think(40, 0.5);
    const fresh = newPassword();
    if (rng.chance(0.25)) {
      b.call('POST', PATHS.checkOtp, { body: json({ email: account.email, otp: String(rng.int(0, 9999)).padStart(4, '0'), password: fresh }) });
      b.think(8, 0.4);
    }
    b.call('POST', PATHS.checkOtp, { body: json({ email: account.email, otp: code, password: fresh }) });
    ctx.secret(account.actor, fresh);
    state.password = fresh;
    b.think(5, 0.4);
  } else if (rng.chance(typoRate)) {
    loginAttempt(b, ctx, account, mistype(state.password, rng.next()), false);
    b.think(5, 0.5);
    if (rng.chance(0.15)) {
      loginAttempt(b, ctx, account, mistype(state.password, rng.next()), false);
      b.think(6, 0.5);
    }
  }
  const token = loginAttempt(b, ctx, account, state.password, true);
  if (token === null) throw new Error('a right password gave no token');
  return token;
}
