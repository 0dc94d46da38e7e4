// A real webhook receiver on 127.0.0.1 for the e2e tests: records every alert POSTed to it with
// whether its X-Tapwatch-Signature verifies, and can be closed and reopened on the same port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/outputs/webhook/signature';

export interface ReceivedAlert {
  id: string;
  type: string;
  body: string;
  idempotencyKey: string | undefined;
  signatureOk: boolean;
  endpoint?: { host: string; method: string; template: string };
}

export interface WebhookReceiver {
  readonly received: ReceivedAlert[];
  readonly port: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, port = 0): Promise<WebhookReceiver> {
  const received: ReceivedAlert[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const sig = String(req.headers['x-tapwatch-signature'] ?? '');
      const alert = JSON.parse(body) as { id: string; type: string; endpoint?: ReceivedAlert['endpoint'] };
      received.push({
        id: alert.id,
        type: alert.type,
        body,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        signatureOk: verifySignature(secret, sig, body, 300).ok,
        ...(alert.endpoint ? { endpoint: alert.endpoint } : {}),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    received,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
