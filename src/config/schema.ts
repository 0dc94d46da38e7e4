// Every option and bound of Tapwatch, with defaults and a one-line reason. The schema is the single
// source of truth: the loader and `check-config` validate against it, and `tapwatch config docs`
// prints its descriptions (`.describe()` is outermost so the text survives `.default()` wrapping).
import { z } from 'zod';
import { alertingSchema } from '../alerting/config';
import { daemonSchema } from '../daemon/config';
import { apiSchema } from '../daemon/http-api';
import { mirrorHealthSchema } from '../daemon/mirror-health';
import { specBindingSchema, specEntrySchema } from '../inventory/config';
import { syslogDestinationSchema } from '../outputs/syslog/config';
import { outboxSchema, webhooksSchema } from '../outputs/webhook/config';

const port = z.number().int().min(1).max(65535);

export const captureSchema = z
  .object({
    backend: z.enum(['native']).default('native').describe('`native` is our libpcap addon; `cap` is kept only for benchmark comparison.'),
    interface: z.string().default('').describe('Interface for `run` (a SPAN/TAP port); `--iface` overrides it.'),
    snaplen: z.number().int().min(64).max(262144).default(262144).describe('Bytes captured per packet; the rest of a longer packet is cut.'),
    promisc: z.boolean().default(true).describe('Promiscuous mode, so the mirror port hands up traffic not addressed to this host.'),
    bufferSizeBytes: z.number().int().min(0).default(64 * 1024 * 1024).describe('Kernel ring buffer; large so bursts on a busy mirror port do not drop.'),
    timeoutMs: z.number().int().min(1).max(10000).default(100).describe('Packet-buffer timeout: how long the kernel may hold packets to fill a block.'),
    immediate: z.boolean().default(false).describe('Deliver packets as they arrive instead of in kernel-buffered blocks (more wake-ups).'),
    batchBytes: z
      .number()
      .int()
      .min(512 * 1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Bytes per batch handed to JS in one call; at least one maximum-size packet plus its header.'),
    filter: z.string().default('').describe('BPF filter applied in the kernel (live) or by libpcap (files).'),
  })
  .strict();

export const fragmentSchema = z
  .object({
    maxDatagrams: z.number().int().min(1).default(4096).describe('Datagrams being reassembled at once; the oldest is dropped when full.'),
    maxBytes: z.number().int().min(65535).default(32 * 1024 * 1024).describe('Bytes held across all incomplete datagrams.'),
    timeoutSec: z.number().min(1).default(30).describe('Seconds of packet time before an incomplete datagram is abandoned.'),
  })
  .strict();

export const decodeSchema = z
  .object({
    vxlanPorts: z.array(port).default([4789, 8472]).describe('UDP ports decoded as VXLAN.'),
    genevePorts: z.array(port).default([6081]).describe('UDP ports decoded as Geneve.'),
    greUdpPorts: z.array(port).default([4754]).describe('UDP ports decoded as GRE-in-UDP (RFC 8086).'),
    teredoPorts: z.array(port).default([3544]).describe('UDP ports of Teredo servers (RFC 4380): IPv6 over UDP tunnels that hosts (not mirrors) use.'),
    ayiyaPorts: z.array(port).default([5072]).describe('UDP ports decoded as AYIYA (IPv6 over UDP).'),
    maxTeredoPeers: z
      .number()
      .int()
      .min(1)
      .default(4096)
      .describe(
        'Teredo clients learned from their exchange with a server on a Teredo port, whose other UDP traffic (to relays on any port) is then decoded as Teredo; the oldest is forgotten when full.',
      ),
    maxLayers: z.number().int().min(4).max(64).default(24).describe('Total encapsulation layers (link + VLAN + MPLS + tunnels + IP) before a packet is skipped.'),
    maxVlanTags: z.number().int().min(1).max(8).default(4).describe('Stacked VLAN tags (QinQ and deeper).'),
    maxMplsLabels: z.number().int().min(1).max(8).default(8).describe('Stacked MPLS labels before a packet is skipped.'),
    verifyChecksums: z.boolean().default(false).describe('Mirror ports see offloaded (invalid) checksums, so verification is off by default.'),
    fragments: fragmentSchema.default(fragmentSchema.parse({})).describe('IPv4/IPv6 fragment reassembly bounds.'),
  })
  .strict();

export const reassemblySchema = z
  .object({
    maxFlows: z.number().int().min(16).default(262144).describe('Flows tracked at once; when full, emergency timeouts apply, then the oldest idle flow is evicted.'),
    separateByEncapsulation: z.boolean().default(true).describe('Keep identical inner 5-tuples from different VLANs / tunnels (VNI, GRE key ...) apart.'),
    flowIdSeed: z.number().int().min(0).default(0).describe('Seeds flow ids so a replay gives the same ids every time.'),
    timeoutNewSec: z.number().min(1).default(30).describe('Packet-time seconds before an idle flow whose handshake has not completed is dropped.'),
    timeoutEstablishedSec: z.number().min(1).default(600).describe('Packet-time seconds before an idle established flow is dropped.'),
    timeoutClosedSec: z.number().min(1).default(10).describe('Packet-time seconds a flow is kept after FIN/RST.'),
    emergencyTimeoutNewSec: z.number().min(1).default(5).describe('timeoutNewSec while the flow table is over 90% full.'),
    emergencyTimeoutEstablishedSec: z.number().min(1).default(60).describe('timeoutEstablishedSec while the flow table is over 90% full.'),
    emergencyTimeoutClosedSec: z.number().min(1).default(2).describe('timeoutClosedSec while the flow table is over 90% full.'),
    maxOutOfOrderBytes: z.number().int().min(1024).default(1024 * 1024).describe('Out-of-order bytes held per direction before the hole is declared a gap.'),
    maxOutOfOrderSegments: z.number().int().min(1).default(1024).describe('Out-of-order segments held per direction before the hole is declared a gap.'),
    globalBufferBytes: z.number().int().min(65536).default(256 * 1024 * 1024).describe('All out-of-order buffers together, across flows.'),
  })
  .strict();

export const httpSchema = z
  .object({
    ports: z
      .array(port)
      .default([80, 8000, 8008, 8080, 8081, 8443, 8888, 3000, 5000, 9000])
      .describe('Ports always analysed as HTTP; any other port is analysed when its first bytes look like HTTP.'),
    maxLineBytes: z.number().int().min(256).default(16 * 1024).describe('Request/status line length before the line is cut and counted.'),
    maxHeaderBytes: z.number().int().min(1024).default(80 * 1024).describe('All header bytes of one message.'),
    maxHeaderCount: z.number().int().min(8).default(256).describe('Header fields of one message.'),
    maxPendingPerFlow: z.number().int().min(1).default(100).describe('Requests awaiting a response per flow (Zeek keeps 100).'),
    bodyCaptureBytes: z.number().int().min(0).default(64 * 1024).describe('Body prefix kept per message for later stages; the rest is counted, not buffered.'),
    maxDecompressedBytes: z.number().int().min(1024).default(1024 * 1024).describe('Output bound when decompressing a captured body (zip bombs).'),
  })
  .strict();

export const templatingSchema = z
  .object({
    minDistinctValues: z.number().int().min(2).default(10).describe('Distinct agreeing sibling values before literal segments merge into a parameter.'),
    maxKeyDistance: z.number().min(0).max(1).default(0.2).describe('Largest Jaccard distance between request/response key sets that still counts as agreeing.'),
    maxTemplatesPerHost: z.number().int().min(1).default(2000).describe('Path templates learned per host; more are answered `/{overflow}`.'),
    maxHosts: z.number().int().min(1).default(10000).describe('Hosts whose paths are templated; more go to the `{overflow}` host.'),
    maxPendingPerParent: z.number().int().min(2).default(256).describe('Literal values waiting for evidence under one parent (at least minDistinctValues).'),
    maxSegments: z.number().int().min(2).default(32).describe('Path segments templated; longer paths are not templated (counted as truncated).'),
    maxKeysPerValue: z.number().int().min(1).default(64).describe('Request/response keys remembered per literal path value as evidence for merging.'),
  })
  .strict()
  .refine((t) => t.maxPendingPerParent >= t.minDistinctValues, { message: 'maxPendingPerParent must be >= minDistinctValues' });

export const inventorySchema = z
  .object({
    enabled: z.boolean().default(true).describe('Learn the endpoint map (off: the stream stages alone).'),
    maxEndpoints: z.number().int().min(1).default(50000).describe('Endpoints tracked in total; more are counted (inventory.endpoints.overflow), not learned.'),
    fullAnalysisCalls: z.number().int().min(1).default(100).describe('Calls of an endpoint analysed in full (parameters, auth, sensitive data) before sampling starts.'),
    sampleEvery: z.number().int().min(1).default(20).describe('After that, one call in this many is analysed; the others only update counts and status codes.'),
    stableAnalyses: z
      .number()
      .int()
      .min(1)
      .default(50)
      .describe('Analysed calls in a row that bring nothing new (parameter, type, sensitive field, status, auth) before the interval doubles.'),
    maxSampleEvery: z.number().int().min(1).default(1000).describe('Longest sampling interval of a stable endpoint; anything new brings it back to sampleEvery.'),
    maxCachedPaths: z.number().int().min(1).default(65536).describe('Concrete paths remembered for the sampling shortcut; the cache is emptied (and counted) when full.'),
    specs: z
      .array(specEntrySchema)
      .default([])
      .describe(
        'OpenAPI / Swagger files or folders (or `{path, hosts}` to name the hosts each describes): endpoints on a host a spec is bound to are classified documented, shadow, zombie or drift; elsewhere "no-spec". Specs with the same `info.title` are versions of one API, oldest first in this list: an endpoint only an older version documents is a zombie (removed).',
      ),
    specBinding: specBindingSchema
      .default(specBindingSchema.parse({}))
      .describe("How a spec without `hosts` is bound to the hosts serving it: its server URL's host after one documented call, any other host after several (the mirror sees internal names behind load balancers)."),
    orphanWindowSec: z.number().min(1).default(30 * 24 * 3600).describe('A spec operation without traffic for this long (packet time) is an orphan.'),
    templating: templatingSchema.default(templatingSchema.parse({})).describe('How concrete paths are generalised into templates (`/users/{id}`).'),
  })
  .strict();

export const storeSchema = z
  .object({
    path: z.string().default('').describe('SQLite file; empty = tapwatch.db in $STATE_DIRECTORY (systemd) or ./tapwatch-state.'),
    maxPendingWrites: z.number().int().min(100).default(100000).describe('Writes held while the database refuses them (disk full); the oldest are dropped beyond.'),
    flushIntervalSec: z.number().min(0.1).default(5).describe('Packet-time seconds between batched flushes.'),
    maxRowsPerFlush: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Endpoint rows written per flush (about 80 µs each, blocking capture meanwhile); the rest wait for the next flush (inventory.flush.deferred).'),
    templaterStateIntervalSec: z
      .number()
      .min(0)
      .default(60)
      .describe('Packet-time seconds between saves of the path templater state (one JSON document that grows with hosts and templates); always saved at shutdown.'),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Lowest level of JSON log lines written to stdout (journald).'),
  })
  .strict();

export const outputsSchema = z
  .object({
    webhooks: webhooksSchema.describe('JSON POST destinations (signed, retried, durable outbox).'),
    syslog: z.array(syslogDestinationSchema).default([]).describe('Syslog collectors: RFC 5424 over udp / tcp / tls / unix stream socket, JSON or CEF body.'),
    outbox: outboxSchema.default(outboxSchema.parse({})).describe('The durable per-destination queue in front of every output.'),
  })
  .strict()
  .superRefine((o, ctx) => {
    // names key the outbox rows and the counters, so one name is one destination
    const seen = new Set<string>();
    const check = (name: string, path: (string | number)[]): void => {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path, message: `destination name "${name}" is used twice (webhooks and syslog share one namespace)` });
      seen.add(name);
    };
    o.webhooks.forEach((d, i) => check(d.name, ['webhooks', i, 'name']));
    o.syslog.forEach((d, i) => check(d.name, ['syslog', i, 'name']));
  });

export const configSchema = z
  .object({
    capture: captureSchema.default(captureSchema.parse({})).describe('Live capture from the mirror port (libpcap).'),
    decode: decodeSchema.default(decodeSchema.parse({})).describe('Link, VLAN, MPLS, tunnel and IP decoding.'),
    reassembly: reassemblySchema.default(reassemblySchema.parse({})).describe('TCP flow tracking and stream reassembly.'),
    http: httpSchema.default(httpSchema.parse({})).describe('HTTP/1.x parsing bounds.'),
    inventory: inventorySchema.default(inventorySchema.parse({})).describe('The learned endpoint map and OpenAPI comparison.'),
    store: storeSchema.default(storeSchema.parse({})).describe('The SQLite state database.'),
    alerting: alertingSchema.default(alertingSchema.parse({})).describe('Alert policy: dedupe, suppression, rate bound, severity and playbooks.'),
    outputs: outputsSchema.default(outputsSchema.parse({})).describe('Where alerts are delivered.'),
    daemon: daemonSchema.default(daemonSchema.parse({})).describe('Lifecycle of `tapwatch run`: shutdown bound and interface reopen backoff.'),
    api: apiSchema.default(apiSchema.parse({})).describe('Local HTTP port of `tapwatch run`: /metrics, /healthz, /readyz, alerts and feedback.'),
    mirrorHealth: mirrorHealthSchema.default(mirrorHealthSchema.parse({})).describe('Warnings when the mirror looks wrong (one direction, loss, no HTTP, all encrypted).'),
    log: logSchema.default(logSchema.parse({})).describe('Logging.'),
    statsIntervalSec: z.number().int().min(1).default(60).describe('Seconds between periodic capture-stats log lines in `run`.'),
  })
  .strict();

export type TapwatchConfig = z.infer<typeof configSchema>;
export type CaptureConfig = z.infer<typeof captureSchema>;
export type DecodeConfig = z.infer<typeof decodeSchema>;
export type FragmentConfig = z.infer<typeof fragmentSchema>;
export type ReassemblyConfig = z.infer<typeof reassemblySchema>;
export type HttpConfig = z.infer<typeof httpSchema>;
export type InventoryConfig = z.infer<typeof inventorySchema>;
export type StoreConfig = z.infer<typeof storeSchema>;
export type OutputsConfig = z.infer<typeof outputsSchema>;
