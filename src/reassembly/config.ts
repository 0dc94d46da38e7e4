// The reassembly stage's options: flow table bounds and timeouts. Composed into the full schema by
// config/schema.ts.
import { z } from 'zod';

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

export type ReassemblyConfig = z.infer<typeof reassemblySchema>;
