// One HTTP(S) POST with a hard deadline. Node's http/https rather than the global fetch: a single
// timer can bound the whole exchange (connect, TLS, headers) by destroying the request, the socket
// pool is ours to close on shutdown, and headers such as Retry-After come back as plain strings.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface HttpReply {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** The first bytes of an error response's body (for logs); empty for 2xx. */
  readonly bodyPrefix: string;
}

const ERROR_BODY_BYTES = 512;

/** Agent that keeps one connection per destination alive between sends. */
export function createAgent(url: URL): http.Agent {
  const options = { keepAlive: true, maxSockets: 1 };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/**
 * POSTs `body` and resolves with the response status and headers; rejects on network errors and
 * when no response head arrives within `timeoutMs`. A 2xx resolves as soon as its head arrives; an
 * error response waits for (at most the first 512 bytes of) its body.
 */
export function postOnce(url: URL, body: Buffer, headers: Record<string, string>, timeoutMs: number, agent: http.Agent): Promise<HttpReply> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<HttpReply>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: HttpReply | Error): void => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      settle(err);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const head = { status, statusText: res.statusMessage ?? '', headers: res.headers };
      res.on('error', () => undefined);
      res.on('close', () => clearTimeout(timer));
      if (status >= 200 && status < 300) {
        // Delivered: drain the body only to keep the connection reusable.
        res.resume();
        settle({ ...head, bodyPrefix: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => settle({ ...head, bodyPrefix: printable(Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES)) });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= ERROR_BODY_BYTES) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('close', finish);
    });
    req.end(body);
  });
}

function printable(bytes: Buffer): string {
  return bytes
    .toString('utf8')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
}
