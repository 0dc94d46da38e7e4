// The brute-force threshold of one account's run of failed logins: the floor (raised while the
// endpoint learns) or normMargin times the learned normal runs before a success — the account's own
// longest and the endpoint's 99th percentile — whichever is higher. When no IP of the run vouches for
// the account (credential-attacks-source.ts) and the endpoint has learned enough runs, the run is
// judged against the normal itself: one failure past it, at least newSourceMinFailures. Also where
// the runs that ended in a success are learned.
import type { CredentialAttacksOptions } from './credential-attacks-config';
import type { EndpointLogins } from './credential-attacks-endpoint';
import { FAMILIAR } from './credential-attacks-source';
import { RecencyMap, type AccountState } from './credential-attacks-state';

type Options = Pick<CredentialAttacksOptions, 'bruteMinFailures' | 'normMargin' | 'newSourceMinFailures' | 'newSourceMinRuns' | 'maxAccounts'>;

export class BruteThresholds {
  /** Per account, its longest run of failures before a success that was not an attack. */
  private readonly normals: RecencyMap<number>;

  constructor(
    private readonly o: Options,
    onOverflow: () => void,
  ) {
    this.normals = new RecencyMap<number>(o.maxAccounts, onOverflow);
  }

  normalRun(a: AccountState): number {
    return this.normals.peek(a.key) ?? 0;
  }

  /** The run ended in a success without being judged an attack: the account and the endpoint learn it. */
  learnRun(a: AccountState, ep: EndpointLogins): void {
    ep.noteRun(a.run);
    if (a.run > this.normalRun(a)) this.normals.set(a.key, a.run);
  }

  /** Failures that make the run brute force whatever its sources (before the analysts' feedback factor). */
  standard(a: AccountState, ep: EndpointLogins, floorFactor: number): number {
    const o = this.o;
    return Math.max(o.bruteMinFailures * floorFactor, o.normMargin * this.normalRun(a), o.normMargin * ep.runP99());
  }

  /**
   * Failures that raise a finding (before the feedback factor): the standard threshold, or, for a run
   * from sources new to the account, one past its learned normal when that is lower. A run between
   * the two is an early warning (credential-attacks-report.ts), not yet a block or a takeover.
   */
  threshold(a: AccountState, ep: EndpointLogins, floorFactor: number, learned: boolean): number {
    const standard = this.standard(a, ep, floorFactor);
    if (!this.newSourceApplies(a, ep, learned)) return standard;
    return Math.min(standard, Math.max(this.o.newSourceMinFailures, this.normalRun(a) + 1, ep.runP99() + 1));
  }

  /** The lower threshold applies: no IP of the run vouches for the account, the endpoint's normal is learned. */
  newSourceApplies(a: AccountState, ep: EndpointLogins, learned: boolean): boolean {
    return a.newSourceKnown !== FAMILIAR && learned && ep.runsLearned >= this.o.newSourceMinRuns;
  }
}
