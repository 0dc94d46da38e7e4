// The capture stage's options (libpcap). Composed into the full schema by config/schema.ts.
import { z } from 'zod';

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

export type CaptureConfig = z.infer<typeof captureSchema>;
