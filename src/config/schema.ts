// Every option and bound of Tapwatch, with defaults and a one-line reason. The schema is the single
// source of truth: `check-config` and the loader validate against it; the README documents it.
import { z } from 'zod';
import { alertingSchema } from '../alerting/config';
import { daemonSchema } from '../daemon/config';
import { syslogDestinationSchema } from '../outputs/syslog/config';
import { outboxSchema, webhooksSchema } from '../outputs/webhook/config';

const port = z.number().int().min(1).max(65535);

export const captureSchema = z
  .object({
    /** `native` is our libpcap addon; `cap` is kept only for benchmark comparison. */
    backend: z.enum(['native']).default('native'),
    /** Interface for `run` (a SPAN/TAP port); `--iface` overrides it. */
    interface: z.string().default(''),
    snaplen: z.number().int().min(64).max(262144).default(262144),
    promisc: z.boolean().default(true),
    /** Kernel ring buffer; large so bursts on a busy mirror port do not drop. */
    bufferSizeBytes: z.number().int().min(0).default(64 * 1024 * 1024),
    /** Packet-buffer timeout: how long the kernel may hold packets to fill a block. */
    timeoutMs: z.number().int().min(1).max(10000).default(100),
    immediate: z.boolean().default(false),
    /** Bytes per batch handed to JS in one call; at least one maximum-size packet plus its header. */
    batchBytes: z.number().int().min(512 * 1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
    /** BPF filter applied in the kernel (live) or by libpcap (files). */
    filter: z.string().default(''),
  })
  .strict();

export const fragmentSchema = z
  .object({
    /** Datagrams being reassembled at once; the oldest is dropped when full. */
    maxDatagrams: z.number().int().min(1).default(4096),
    /** Bytes held across all incomplete datagrams. */
    maxBytes: z.number().int().min(65535).default(32 * 1024 * 1024),
    /** Seconds of packet time before an incomplete datagram is abandoned. */
    timeoutSec: z.number().min(1).default(30),
  })
  .strict();

export const decodeSchema = z
  .object({
    vxlanPorts: z.array(port).default([4789, 8472]),
    genevePorts: z.array(port).default([6081]),
    /** GRE-in-UDP (RFC 8086). */
    greUdpPorts: z.array(port).default([4754]),
    /** IPv6 over UDP tunnels that hosts (not mirrors) use: Teredo (RFC 4380) and AYIYA. */
    teredoPorts: z.array(port).default([3544]),
    ayiyaPorts: z.array(port).default([5072]),
    /** Teredo clients learned from their exchange with a server on a Teredo port, whose other UDP
     * traffic (to relays on any port) is then decoded as Teredo; the oldest is forgotten when full. */
    maxTeredoPeers: z.number().int().min(1).default(4096),
    /** Total encapsulation layers (link + VLAN + MPLS + tunnels + IP) before a packet is skipped. */
    maxLayers: z.number().int().min(4).max(64).default(24),
    /** Stacked VLAN tags (QinQ and deeper). */
    maxVlanTags: z.number().int().min(1).max(8).default(4),
    maxMplsLabels: z.number().int().min(1).max(8).default(8),
    /** Mirror ports see offloaded (invalid) checksums, so verification is off by default. */
    verifyChecksums: z.boolean().default(false),
    fragments: fragmentSchema.default(fragmentSchema.parse({})),
  })
  .strict();

export const reassemblySchema = z
  .object({
    /** Flows tracked at once; when full, emergency timeouts apply, then the oldest idle flow is evicted. */
    maxFlows: z.number().int().min(16).default(262144),
    /** Keep identical inner 5-tuples from different VLANs / tunnels (VNI, GRE key ...) apart. */
    separateByEncapsulation: z.boolean().default(true),
    /** Seeds flow ids so a replay gives the same ids every time. */
    flowIdSeed: z.number().int().min(0).default(0),
    /** Packet-time timeouts (seconds): before the handshake completes, established, after FIN/RST. */
    timeoutNewSec: z.number().min(1).default(30),
    timeoutEstablishedSec: z.number().min(1).default(600),
    timeoutClosedSec: z.number().min(1).default(10),
    /** Shorter timeouts used while the flow table is over 90% full. */
    emergencyTimeoutNewSec: z.number().min(1).default(5),
    emergencyTimeoutEstablishedSec: z.number().min(1).default(60),
    emergencyTimeoutClosedSec: z.number().min(1).default(2),
    /** Out-of-order data held per direction before the hole is declared a gap. */
    maxOutOfOrderBytes: z.number().int().min(1024).default(1024 * 1024),
    maxOutOfOrderSegments: z.number().int().min(1).default(1024),
    /** All out-of-order buffers together, across flows. */
    globalBufferBytes: z.number().int().min(65536).default(256 * 1024 * 1024),
  })
  .strict();

export const httpSchema = z
  .object({
    /** Ports always analysed as HTTP; any other port is analysed when its first bytes look like HTTP. */
    ports: z.array(port).default([80, 8000, 8008, 8080, 8081, 8443, 8888, 3000, 5000, 9000]),
    /** Request/status line length before the line is cut and counted. */
    maxLineBytes: z.number().int().min(256).default(16 * 1024),
    /** All header bytes of one message. */
    maxHeaderBytes: z.number().int().min(1024).default(80 * 1024),
    maxHeaderCount: z.number().int().min(8).default(256),
    /** Requests awaiting a response per flow (Zeek keeps 100). */
    maxPendingPerFlow: z.number().int().min(1).default(100),
    /** Body prefix kept per message for later stages; the rest is counted, not buffered. */
    bodyCaptureBytes: z.number().int().min(0).default(64 * 1024),
    /** Output bound when decompressing a captured body (zip bombs). */
    maxDecompressedBytes: z.number().int().min(1024).default(1024 * 1024),
  })
  .strict();

export const templatingSchema = z
  .object({
    /** Distinct agreeing sibling values before literal segments merge into a parameter. */
    minDistinctValues: z.number().int().min(2).default(10),
    /** Largest Jaccard distance between request/response key sets that still counts as agreeing. */
    maxKeyDistance: z.number().min(0).max(1).default(0.2),
    maxTemplatesPerHost: z.number().int().min(1).default(2000),
    maxHosts: z.number().int().min(1).default(10000),
    /** Literal values waiting for evidence under one parent. */
    maxPendingPerParent: z.number().int().min(2).default(256),
    maxSegments: z.number().int().min(1).default(32),
    maxKeysPerValue: z.number().int().min(1).default(64),
  })
  .strict()
  .refine((t) => t.maxPendingPerParent >= t.minDistinctValues, { message: 'maxPendingPerParent must be >= minDistinctValues' });

export const inventorySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Endpoints tracked in total; more are counted (inventory.endpoints.overflow), not learned. */
    maxEndpoints: z.number().int().min(1).default(50000),
    /** Calls of an endpoint analysed in full (parameters, auth, sensitive data) before sampling starts. */
    fullAnalysisCalls: z.number().int().min(1).default(100),
    /** After that, one call in this many is analysed; the others only update counts and status codes. */
    sampleEvery: z.number().int().min(1).default(20),
    /** Analysed calls in a row that bring nothing new (parameter, type, sensitive field, status, auth) before the interval doubles. */
    stableAnalyses: z.number().int().min(1).default(50),
    /** Longest sampling interval of a stable endpoint; anything new brings it back to sampleEvery. */
    maxSampleEvery: z.number().int().min(1).default(1000),
    /** Concrete paths remembered for the sampling shortcut; the cache is emptied (and counted) when full. */
    maxCachedPaths: z.number().int().min(1).default(65536),
    /** OpenAPI / Swagger files or folders: endpoints are classified documented, shadow, zombie or drift. */
    specs: z.array(z.string()).default([]),
    /** A spec operation without traffic for this long (packet time) is an orphan. */
    orphanWindowSec: z.number().min(1).default(30 * 24 * 3600),
    templating: templatingSchema.default(templatingSchema.parse({})),
  })
  .strict();

export const storeSchema = z
  .object({
    /** SQLite file; empty = tapwatch.db in $STATE_DIRECTORY (systemd) or ./tapwatch-state. */
    path: z.string().default(''),
    /** Writes held while the database refuses them (disk full); the oldest are dropped beyond. */
    maxPendingWrites: z.number().int().min(100).default(100000),
    /** Packet-time seconds between batched flushes. */
    flushIntervalSec: z.number().min(0.1).default(5),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const outputsSchema = z
  .object({
    /** JSON POST destinations (signed, retried, durable outbox). */
    webhooks: webhooksSchema,
    /** Syslog collectors: RFC 5424 over udp / tcp / tls / unix stream socket, JSON or CEF body. */
    syslog: z.array(syslogDestinationSchema).default([]),
    outbox: outboxSchema.default(outboxSchema.parse({})),
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
    capture: captureSchema.default(captureSchema.parse({})),
    decode: decodeSchema.default(decodeSchema.parse({})),
    reassembly: reassemblySchema.default(reassemblySchema.parse({})),
    http: httpSchema.default(httpSchema.parse({})),
    inventory: inventorySchema.default(inventorySchema.parse({})),
    store: storeSchema.default(storeSchema.parse({})),
    alerting: alertingSchema.default(alertingSchema.parse({})),
    outputs: outputsSchema.default(outputsSchema.parse({})),
    daemon: daemonSchema.default(daemonSchema.parse({})),
    log: logSchema.default(logSchema.parse({})),
    /** Seconds between periodic capture-stats log lines in `run`. */
    statsIntervalSec: z.number().int().min(1).default(60),
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
