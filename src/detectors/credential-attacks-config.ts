// Options of the credential-attack detector (`detectors.credentialAttacks`): the floors of brute
// force (failures for one account; a lower one when they come from networks new to the account),
// credential stuffing from one IP (distinct user names that fail) and its distributed form (an
// endpoint's failures and failing user names against its own learned windows), the windows they are
// counted in, and the bound of every collection that grows with traffic.
import { z } from 'zod';

const count = (min: number) => z.number().int().min(min);
const share = z.number().min(0).max(1);

export const credentialAttacksSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect brute force, credential stuffing and account takeover on login endpoints.'),
    cooldownSec: z
      .number()
      .min(0)
      .default(900)
      .describe('Packet-time seconds between two findings about one account, IP or endpoint; an account takeover or the first login that succeeds from a stuffing IP is reported at once.'),
    nonLoginWords: z
      .array(z.string().min(1))
      .default(['signup', 'register', 'registration', 'forgot', 'forget', 'reset', 'otp', 'mfa', '2fa', 'verify', 'verification', 'confirm', 'recover', 'recovery', 'activate', 'change'])
      .describe(
        'Path words (between slashes, dots, dashes or underscores, any case) of endpoints that carry a password but are no logins: sign-up, password reset and one-time-code flows.',
      ),
    // brute force: one account
    bruteMinFailures: count(2)
      .default(5)
      .describe('Failed logins for one account, with no success between them and no gap over runIdleSec, that raise a brute-force finding (the floor; learned runs can raise it).'),
    runIdleSec: z.number().min(1).default(3600).describe('A gap this long without a failed login ends an account’s run of failures.'),
    normMargin: z
      .number()
      .min(1)
      .default(2)
      .describe('Thresholds are at least this many times the learned normal: an account’s longest run before a success, the endpoint’s 99th percentile of runs before a success and of distinct failing names per IP.'),
    newSourceMinFailures: count(2)
      .default(3)
      .describe(
        'Failed logins for one account that raise a brute-force finding when no IP of the run vouches for it — none shares a network or autonomous system with an address the account used before (an account never seen has none), none had a login succeed within ipHorizonSec — and they exceed the endpoint’s learned 99th percentile of runs before a success; otherwise bruteMinFailures.',
      ),
    newSourceMinRuns: count(1)
      .default(30)
      .describe('Runs of failures ending in a success the endpoint must have learned (and be out of its learning period) before newSourceMinFailures applies: the percentile it is judged against rests on them.'),
    // credential stuffing: one IP
    ipMinUsernames: count(2).default(5).describe('Distinct user names failing to log in from one IP within ipHorizonSec that raise a credential-stuffing finding (the floor).'),
    ipHorizonSec: z.number().min(60).default(6 * 3600).describe('How far back the distinct user names and the failure share of one IP are counted.'),
    ipSuccessFraction: share
      .default(0.25)
      .describe('The IP’s threshold is at least this share of the logins that succeeded from it in the horizon (a NAT or proxy where many users log in needs more failing names).'),
    minFailureShare: share.default(0.6).describe('Share of an IP’s (or, distributed, the endpoint window’s) login attempts that failed, at least, for a stuffing finding.'),
    // distributed stuffing: one endpoint
    windowSec: z.number().min(60).default(600).describe('Sliding window (10 buckets) of an endpoint’s failures and failing user names for the distributed form.'),
    endpointMinFailures: count(2).default(10).describe('Failed logins in one window of an endpoint, at least, for a distributed-stuffing finding.'),
    endpointMinUsernames: count(2).default(8).describe('Distinct user names failing in one window of an endpoint, at least, for a distributed-stuffing finding.'),
    endpointMargin: z
      .number()
      .min(1)
      .default(3)
      .describe('The window’s failures and failing names must also exceed this many times the endpoint’s 95th percentile of past windows.'),
    minHistoryWindows: count(1).default(12).describe('Past active windows an endpoint needs before its distributed form is judged.'),
    historyWindows: count(8).max(2048).default(288).describe('Past active windows kept per endpoint (their 95th percentiles are the baseline).'),
    participantMinUsernames: count(1)
      .default(3)
      .describe('During a distributed attack on its endpoint, an IP with this many distinct failing user names in the window is named in a finding.'),
    learningFactor: z
      .number()
      .min(1)
      .default(2)
      .describe('While the endpoint’s baseline is still learning, the account and IP floors are multiplied by this (the distributed form waits for the baseline).'),
    // bounds
    maxAccounts: count(1).default(50000).describe('Accounts with recent failed logins tracked; the least recently seen is forgotten when full.'),
    maxIps: count(1).default(20000).describe('Client IPs with recent login attempts tracked; the least recently seen is forgotten when full.'),
    maxUsernamesPerIp: count(4).max(1024).default(64).describe('Recent failing user names remembered per IP (distinct counts stop growing there).'),
    maxIpsPerAccount: count(1).max(64).default(8).describe('Source IPs remembered per account run (more are counted, not kept).'),
    maxEndpoints: count(1).default(256).describe('Login endpoints tracked; the least recently seen is forgotten when full.'),
  })
  .strict()
  .refine((o) => o.ipMinUsernames <= o.maxUsernamesPerIp && o.participantMinUsernames <= o.maxUsernamesPerIp, {
    message: 'ipMinUsernames and participantMinUsernames must not exceed maxUsernamesPerIp (distinct names stop counting there)',
  });

export type CredentialAttacksOptions = z.infer<typeof credentialAttacksSchema>;
