// The HTTP stage's options: ports and parsing bounds. Composed into the full schema by config/schema.ts.
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

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

export type HttpConfig = z.infer<typeof httpSchema>;
