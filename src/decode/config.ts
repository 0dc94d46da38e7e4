// The decode stage's options: tunnel ports, layer bounds and fragment reassembly. Composed into the
// full schema by config/schema.ts.
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

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

export type FragmentConfig = z.infer<typeof fragmentSchema>;
export type DecodeConfig = z.infer<typeof decodeSchema>;
