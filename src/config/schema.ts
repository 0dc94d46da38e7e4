// Every option and bound of Tapwatch, with defaults and a one-line reason. Each stage owns its section
// in a leaf `config.ts` (zod only); this file composes them, so loading the schema loads no stage.
// The loader and `check-config` validate against it, and `tapwatch config docs` prints its
// descriptions (`.describe()` is outermost so the text survives `.default()` wrapping).
import { z } from 'zod';
import { alertingSchema } from '../alerting/config';
import { auditSchema } from '../audit/config';
import { captureSchema } from '../capture/config';
import { apiSchema, daemonSchema, logSchema, mirrorHealthSchema } from '../daemon/config';
import { decodeSchema } from '../decode/config';
import { detectorsSchema } from '../detectors/config';
import { httpSchema } from '../http/config';
import { featuresSchema } from '../features/config';
import { identitySchema } from '../identity/config';
import { inventorySchema } from '../inventory/config';
import { modelsSchema } from '../models/config';
import { outputsSchema } from '../outputs/config';
import { reassemblySchema } from '../reassembly/config';
import { responseSchema } from '../response/config';
import { storeSchema } from '../store/config';

export const configSchema = z
  .object({
    capture: captureSchema.default(captureSchema.parse({})).describe('Live capture from the mirror port (libpcap).'),
    decode: decodeSchema.default(decodeSchema.parse({})).describe('Link, VLAN, MPLS, tunnel and IP decoding.'),
    reassembly: reassemblySchema.default(reassemblySchema.parse({})).describe('TCP flow tracking and stream reassembly.'),
    http: httpSchema.default(httpSchema.parse({})).describe('HTTP/1.x parsing bounds.'),
    inventory: inventorySchema.default(inventorySchema.parse({})).describe('The learned endpoint map and OpenAPI comparison.'),
    identity: identitySchema.default(identitySchema.parse({})).describe('Who calls: identities from credentials, logins and trusted proxies, their sessions and what they used.'),
    features: featuresSchema.default(featuresSchema.parse({})).describe('Behaviour baselines per identity, client IP, endpoint and (identity, endpoint), on packet time, and the feature vectors read by detectors and models.'),
    store: storeSchema.default(storeSchema.parse({})).describe('The SQLite state database.'),
    alerting: alertingSchema.default(alertingSchema.parse({})).describe('Alert policy: dedupe, suppression, rate bound, severity and playbooks.'),
    audit: auditSchema.default(auditSchema.parse({})).describe('The audit trail of analyst actions (feedback, suppressions, endpoint edits, model rollback, tokens).'),
    response: responseSchema.default(responseSchema.parse({})).describe('Gateway decisions from alerts (block, throttle): the decisions store and the feed files, dry-run until enforced per feed.'),
    detectors: detectorsSchema.default(detectorsSchema.parse({})).describe("Options of each detector, under its own key (src/detectors/README.md)."),
    models: modelsSchema.default(modelsSchema.parse({})).describe('TF.js models: backend, session autoencoder, payload classifier.'),
    outputs: outputsSchema.default(outputsSchema.parse({})).describe('Where alerts are delivered.'),
    daemon: daemonSchema.default(daemonSchema.parse({})).describe('Lifecycle of `tapwatch run` (shutdown bound, interface reopen backoff) and the hand-off and packet clock after HTTP.'),
    api: apiSchema.default(apiSchema.parse({})).describe('Local HTTP port of `tapwatch run`: /metrics, /healthz, /readyz, alerts and feedback.'),
    mirrorHealth: mirrorHealthSchema.default(mirrorHealthSchema.parse({})).describe('Warnings when the mirror looks wrong (one direction, loss, no HTTP, all encrypted).'),
    log: logSchema.default(logSchema.parse({})).describe('Logging.'),
    statsIntervalSec: z.number().int().min(1).default(60).describe('Seconds between periodic capture-stats log lines in `run`.'),
  })
  .strict();

export type TapwatchConfig = z.infer<typeof configSchema>;

// The sections, re-exported for callers above the stages (daemon, cli, tests); stage code imports
// its own `config.ts` instead.
export { alertingSchema, apiSchema, captureSchema, daemonSchema, decodeSchema, httpSchema, inventorySchema, logSchema, mirrorHealthSchema, outputsSchema, reassemblySchema, storeSchema };
export { fragmentSchema, type DecodeConfig, type FragmentConfig } from '../decode/config';
export { templatingSchema, type InventoryConfig } from '../inventory/config';
export type { IdentityConfig } from '../identity/config';
export type { CaptureConfig } from '../capture/config';
export type { ReassemblyConfig } from '../reassembly/config';
export type { HttpConfig } from '../http/config';
export type { StoreConfig } from '../store/config';
export type { OutputsConfig } from '../outputs/config';
