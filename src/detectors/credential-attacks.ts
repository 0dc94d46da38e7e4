// Credential stuffing, brute force and account takeover on login endpoints. A login attempt is a
// transaction the identity stage named a login user for (ctx.loginUser) on an endpoint whose
// template names no sign-up, reset or one-time-code flow; a 4xx answer is a failure, a 2xx/3xx a
// success. Decided on each attempt, so an attack is reported within seconds of packet time:
//  - brute force: a run of failures for one account (from any number of IPs) past its own and the
//    endpoint's normal run before a success, or only just past it when no IP of the run vouches for
//    the account (credential-attacks-brute.ts); a success after such a run is an account takeover;
//  - stuffing from one IP: many distinct user names failing from it, most of its logins failing;
//  - distributed stuffing: an endpoint's window of failures and failing names far above its own
//    past windows, with a low success share; each IP with several failing names in it is named.
// While the endpoint's baseline learns, the account and IP floors are raised (learningFactor) and
// the distributed form waits.
import type { EvidenceItem } from '../core/finding';
import type { TransactionConsumer } from '../http/consumer';
import { credentialAttacksSchema, type CredentialAttacksOptions } from './credential-attacks-config';
import { BruteThresholds } from './credential-attacks-brute';
import { LoginEndpoints, type EndpointLogins } from './credential-attacks-endpoint';
import {
  BRUTE_FORCE,
  bruteForceFinding,
  CREDENTIAL_STUFFING,
  distributedFinding,
  participantFinding,
  stuffingFinding,
  takeoverFinding,
  type AccountFacts,
  type WindowFacts,
} from './credential-attacks-report';
import { FAMILIAR, sourceNewTo } from './credential-attacks-source';
import { AccountState, IpState, RecencyMap, RUN_IP_ADDED, RUN_IP_OVERFLOW } from './credential-attacks-state';
import { fnv1a } from '../core/hashing';
import { evidenceOf } from '../core/evidence';
import type { DetectorContext, DetectorEntry } from './index';

const NAME = 'credential-attacks';
const C = `detectors.${NAME}`;
/** Packet-time seconds between sweeps of idle accounts and IPs. */
const SWEEP_SEC = 60;

function create(o: CredentialAttacksOptions, { report, counters, features, feedback, geo }: DetectorContext): TransactionConsumer {
  if (!o.enabled || features === null) return { name: NAME, onTransaction: () => undefined };
  const view = features;
  const endpoints = new LoginEndpoints(o, () => counters.inc(`${C}.endpoints_overflow`));
  const accounts = new RecencyMap<AccountState>(o.maxAccounts, () => counters.inc(`${C}.accounts_overflow`));
  const ips = new RecencyMap<IpState>(o.maxIps, (_k, ip) => {
    counters.inc(`${C}.ips_overflow`);
    learnIp(ip);
  });
  const brute = new BruteThresholds(o, () => counters.inc(`${C}.account_normals_overflow`));
  const ipEndpoint = new WeakMap<IpState, EndpointLogins>();
  let nextSweep = -Infinity;

  /** An IP leaves: its endpoint learns how many names failed from it (when it was not flagged). */
  function learnIp(ip: IpState): void {
    const ep = ipEndpoint.get(ip);
    if (ep !== undefined && !ip.flagged && ip.maxDistinct > 0) ep.noteIpNames(ip.maxDistinct);
  }

  /**
   * Whether `ip` is new to `user` at `since` (sourceNewTo); FAMILIAR too when a login succeeded from
   * it within the horizon (a NAT or proxy where people log in vouches for the user behind it).
   */
  function newSource(user: string, ip: string, since: number, ts: number): number {
    const state = ips.peek(ip);
    if (state !== undefined && ts - state.lastSuccess <= o.ipHorizonSec) return FAMILIAR;
    const cur = view.current.identity;
    return sourceNewTo(cur !== null && cur.key === user ? cur : view.forIdentity(user), ip, since, geo);
  }

  function accountEvidence(a: AccountState, last: EvidenceItem): EvidenceItem[] {
    return a.first !== null ? [a.first, last] : [last];
  }

  return {
    name: NAME,
    onTransaction(tx, ctx) {
      const user = ctx.loginUser;
      const ref = ctx.endpoint;
      const status = tx.status;
      if (user === null || ref === null || !isVerdict(status)) return;
      const ep = endpoints.of(ref);
      if (!ep.isLogin) return;
      const ts = tx.ts;
      const failed = status >= 400;
      const client = ctx.clientIp ?? tx.clientIp;
      const epBaseline = view.current.endpoint;
      const learned = epBaseline !== null && view.scored(epBaseline, ts);
      const floorFactor = learned ? 1 : o.learningFactor;

      // the account's run of failures
      let account = accounts.touch(user);
      let newName = true;
      if (failed) {
        if (account === undefined) {
          account = new AccountState(user);
          accounts.add(user, account);
        }
        newName = account.lastFailure < ts - o.windowSec;
        if (account.run > 0 && ts - account.lastFailure > o.runIdleSec) account.resetRun(ts);
        if (account.run === 0) {
          account.runStart = ts;
          account.first = evidenceOf(tx, ctx, 'first failed login of the run');
        }
        account.run++;
        account.lastFailure = ts;
        const noted = account.noteIp(client, o.maxIpsPerAccount);
        if (noted === RUN_IP_OVERFLOW) counters.inc(`${C}.account_ips_overflow`);
        // each IP of the run is judged once, when it joins: the run is "new" while all of them are
        const judge = noted === RUN_IP_ADDED && (account.run === 1 || account.newSourceKnown !== FAMILIAR);
        if (judge) account.newSourceKnown = newSource(user, client, account.runStart, ts);
      } else if (account !== undefined) {
        if (account.run > 0 && ts - account.lastFailure <= o.runIdleSec) {
          // an early warning (new sources, fewer failures than the standard threshold) followed by a
          // success is a person who mistyped from a new place as often as an attacker: not a takeover
          if (account.flagged || account.run >= brute.standard(account, ep, 1) * feedback.factor(BRUTE_FORCE, user, ep.ref)) {
            report(
              takeoverFinding({
                ...accountFacts(account, ts, client, ep, floorFactor, learned),
                evidence: accountEvidence(account, evidenceOf(tx, ctx, `login succeeded after ${account.run} failures`)),
              }),
            );
            account.lastReport = ts;
          } else brute.learnRun(account, ep);
        }
        account.resetRun(ts);
      }
      if (account !== undefined) account.lastSeen = ts;

      // the client IP's failing names and failure share
      let ip = ips.touch(client);
      if (ip === undefined) {
        ip = new IpState(client, o.maxUsernamesPerIp);
        ip.decayedAt = ts;
        ips.add(client, ip);
      }
      ip.lastSeen = ts;
      ip.decay(ts, o.ipHorizonSec);
      if (failed) {
        ip.failures++;
        if (ip.noteName(fnv1a(user), ts, ts - o.ipHorizonSec)) counters.inc(`${C}.ip_names_overflow`);
        if (ip.first === null) ip.first = evidenceOf(tx, ctx, 'first failed login from this IP');
        ipEndpoint.set(ip, ep);
      } else {
        ip.successes++;
        ip.lastSuccess = ts;
        if (ip.flagged) ip.successesWhileFlagged++;
      }

      ep.count(ts, failed, newName);

      if (!failed) {
        // a login succeeding from a stuffing IP: report once at once, whatever the cooldown
        if (ip.flagged && !ip.successReported && ts - ip.lastReport <= o.ipHorizonSec) {
          ip.successReported = true;
          reportIp(ip, ts, ep, floorFactor, evidenceOf(tx, ctx, `login as ${user} succeeded from a stuffing IP`));
        }
        return;
      }

      // brute force on this account
      if (account !== undefined && account.run >= Math.min(o.bruteMinFailures * floorFactor, o.newSourceMinFailures)) {
        const fb = feedback.factor(BRUTE_FORCE, user, ep.ref);
        if (account.run >= brute.threshold(account, ep, floorFactor, learned) * fb) {
          const early = account.run < brute.standard(account, ep, floorFactor) * fb;
          if (!early) {
            account.flagged = true;
            ep.markAttacked();
          }
          // an early warning is followed by the full finding as soon as the standard threshold is met
          if (ts - account.lastReport >= o.cooldownSec || (!early && account.warnedEarly)) {
            account.lastReport = ts;
            account.warnedEarly = early;
            report(
              bruteForceFinding({
                ...accountFacts(account, ts, client, ep, floorFactor, learned),
                early,
                evidence: accountEvidence(account, evidenceOf(tx, ctx, `failed login ${account.run} of the run`)),
              }),
            );
          }
        }
      }

      // stuffing from this IP
      const distinct = ip.distinctSince(ts - o.ipHorizonSec);
      if (distinct > ip.maxDistinct) ip.maxDistinct = distinct;
      if (distinct >= o.ipMinUsernames * floorFactor && ip.failureShare() >= o.minFailureShare) {
        const threshold =
          Math.max(o.ipMinUsernames * floorFactor, o.normMargin * ep.ipNamesP99(), o.ipSuccessFraction * ip.successes) *
          feedback.factor(CREDENTIAL_STUFFING, `ip:${client}`, ep.ref);
        if (distinct >= threshold) {
          ip.flagged = true;
          ep.markAttacked();
          if (ts - ip.lastReport >= o.cooldownSec) reportIp(ip, ts, ep, floorFactor, evidenceOf(tx, ctx, `${distinct} user names failed from this IP`));
        }
      }

      // distributed stuffing on this endpoint
      if (!learned || ep.historyCount < o.minHistoryWindows) return;
      const failuresNeeded = Math.max(o.endpointMinFailures, o.endpointMargin * ep.failuresP95);
      const namesNeeded = Math.max(o.endpointMinUsernames, o.endpointMargin * ep.namesP95);
      if (ep.failures < failuresNeeded || ep.names < namesNeeded || ep.failureShare() < o.minFailureShare) return;
      const f = feedback.factor(CREDENTIAL_STUFFING, null, ep.ref);
      if (ep.failures < failuresNeeded * f || ep.names < namesNeeded * f) return;
      ep.markAttacked();
      const threshold = failuresNeeded * f;
      if (ts - ep.lastReport >= o.cooldownSec) {
        ep.lastReport = ts;
        report(distributedFinding(windowFacts(ts, ep, threshold, [evidenceOf(tx, ctx, 'failed login during the attack')])));
      }
      const inWindow = ip.distinctSince(ts - o.windowSec);
      if (inWindow >= o.participantMinUsernames && ip.failureShare() >= o.minFailureShare) {
        ip.flagged = true;
        if (ts - ip.lastReport >= o.cooldownSec) {
          ip.lastReport = ts;
          const last = evidenceOf(tx, ctx, `${inWindow} user names failed from this IP in the window`);
          report(participantFinding(windowFacts(ts, ep, threshold, ip.first !== null ? [ip.first, last] : [last]), client, inWindow, ip.failureShare()));
        }
      }
    },
    onTick(now) {
      if (now < nextSweep) return;
      nextSweep = now + SWEEP_SEC;
      const accountIdle = Math.max(o.runIdleSec, o.windowSec);
      accounts.sweep(
        (a) => a.lastSeen < now - accountIdle,
        () => undefined,
      );
      ips.sweep(
        (ip) => ip.lastSeen < now - o.ipHorizonSec,
        (_k, ip) => learnIp(ip),
      );
    },
  };

  function accountFacts(a: AccountState, ts: number, client: string, ep: EndpointLogins, floorFactor: number, learned: boolean): Omit<AccountFacts, 'evidence'> {
    return {
      ts,
      account: a.key,
      client,
      endpoint: ep.ref,
      run: a.run,
      runSec: ts - a.runStart,
      ipCount: a.ipCount,
      threshold: brute.standard(a, ep, floorFactor),
      knownSources: brute.newSourceApplies(a, ep, learned) ? a.newSourceKnown : FAMILIAR,
      accountNormal: brute.normalRun(a),
      endpointNormal: ep.runP99(),
    };
  }

  function reportIp(ip: IpState, ts: number, ep: EndpointLogins, floorFactor: number, last: EvidenceItem): void {
    ip.lastReport = ts;
    const distinct = ip.distinctSince(ts - o.ipHorizonSec);
    const oldest = ip.oldestSince(ts - o.ipHorizonSec);
    report(
      stuffingFinding({
        ts,
        client: ip.ip,
        endpoint: ep.ref,
        distinct,
        capped: distinct >= o.maxUsernamesPerIp,
        spanSec: ts - oldest,
        threshold: Math.max(o.ipMinUsernames * floorFactor, o.normMargin * ep.ipNamesP99(), o.ipSuccessFraction * ip.successes),
        normalDistinct: ep.ipNamesP99(),
        failureShare: ip.failureShare(),
        normalFailureShare: ep.normalFailureShare,
        successes: ip.successesWhileFlagged,
        evidence: ip.first !== null ? [ip.first, last] : [last],
      }),
    );
  }

  function windowFacts(ts: number, ep: EndpointLogins, failuresThreshold: number, evidence: EvidenceItem[]): WindowFacts {
    return {
      ts,
      endpoint: ep.ref,
      windowSec: o.windowSec,
      failures: ep.failures,
      names: ep.names,
      failureShare: ep.failureShare(),
      failuresThreshold,
      failuresP95: ep.failuresP95,
      namesP95: ep.namesP95,
      normalFailureShare: ep.normalFailureShare,
      attemptsP95: ep.attemptsP95,
      margin: o.endpointMargin,
      evidence,
    };
  }
}

/**
 * A status that says how a login went: 2xx/3xx succeeded, 4xx failed — except 404 and 405, which
 * say the path or method does not exist rather than judge a credential. 1xx and 5xx say nothing.
 */
function isVerdict(status: number | null): status is number {
  return status !== null && status >= 200 && status < 500 && status !== 404 && status !== 405;
}

export const credentialAttacks: DetectorEntry<CredentialAttacksOptions> = {
  key: 'credentialAttacks',
  description: 'Brute force on one account, credential stuffing from one IP or spread over many, and account takeover after a run of failed logins.',
  schema: credentialAttacksSchema,
  create,
};
