// Live HTTP on lo through the whole pipeline (capture → decode → reassembly → HTTP): a real server
// and real clients with keep-alive, pipelining, chunked and gzip responses. Expected values come
// from what the clients sent and received, never from Tapwatch itself.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { LiveSource } from '../../src/capture/live-source';
import { buildConfig } from '../../src/config/load';
import { Sensor } from '../../src/daemon/sensor';
import type { HttpTransaction } from '../../src/http/types';

const isRoot = process.getuid?.() === 0;

interface Seen {
  method: string;
  uri: string;
  status: number;
  reqBodyLen: number;
  respBodyLen: number;
}

function startApi(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      if (url.startsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first part,');
        res.write('second part,');
        res.end('last part');
      } else if (url.startsWith('/gzip')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync(JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i })) })));
      } else if (req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ created: Buffer.concat(chunks).length }));
      } else if (url.startsWith('/missing')) {
        const body = '{"error":"not found"}';
        res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        const body = JSON.stringify({ path: url });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function request(port: number, agent: http.Agent, method: string, path: string, body?: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve({ method, uri: path, status: res.statusCode ?? 0, reqBodyLen: body ? Buffer.byteLength(body) : 0, respBodyLen: n }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** Three requests written in one segment; responses read raw to learn their body lengths. */
function pipelined(port: number): Promise<Seen[]> {
  const paths = ['/pipe/1', '/pipe/2', '/missing/3'];
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`).join(''));
    });
    let raw = '';
    sock.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
      const responses = raw.split(/(?=HTTP\/1\.1 )/).filter((r) => r.length > 0);
      const complete = responses.filter((r) => {
        const [head, body] = r.split('\r\n\r\n');
        const len = Number(/content-length: (\d+)/i.exec(head ?? '')?.[1]);
        return body !== undefined && Number.isFinite(len) && body.length >= len;
      });
      if (complete.length === paths.length) {
        sock.end();
        resolve(
          complete.map((r, i) => ({
            method: 'GET',
            uri: paths[i]!,
            status: Number(r.slice(9, 12)),
            reqBodyLen: 0,
            respBodyLen: Number(/content-length: (\d+)/i.exec(r)?.[1]),
          })),
        );
      }
    });
    sock.on('error', reject);
    sock.setTimeout(5000, () => sock.destroy(new Error('timeout')));
  });
}

t.test('every live transaction is reported once with the right fields', { skip: !isRoot && 'needs root' }, async (t) => {
  const server = await startApi();
  const port = (server.address() as AddressInfo).port;
  const sensor = new Sensor(buildConfig({ http: { ports: [port] } }));
  const txs: HttpTransaction[] = [];
  sensor.onTransaction((tx) => txs.push(tx));
  const source = new LiveSource('lo', { snaplen: 65535, promisc: false, bufferSize: 8 << 20, timeoutMs: 50, immediate: true, filter: `tcp port ${port}`, batchBytes: 1 << 20 });
  source.open();
  const done = sensor.runSource(source);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const seen: Seen[] = [];
  for (let i = 0; i < 5; i++) seen.push(await request(port, agent, 'GET', `/items/${i}?page=${i}`));
  seen.push(await request(port, agent, 'POST', '/items', JSON.stringify({ name: 'widget', tags: ['a', 'b'] })));
  seen.push(await request(port, agent, 'GET', '/chunked'));
  seen.push(await request(port, agent, 'GET', '/gzip'));
  seen.push(await request(port, agent, 'GET', '/missing/thing'));
  seen.push(...(await pipelined(port)));
  agent.destroy();
  await new Promise((r) => setTimeout(r, 300));
  source.stop();
  await done;
  sensor.finish();
  server.close();

  const key = (s: { method: string | null; uri: string | null; status: number | null }): string => `${s.method} ${s.uri} ${s.status}`;
  t.same(txs.map(key).sort(), seen.map(key).sort(), 'same transactions as the clients saw, each once');
  for (const s of seen) {
    const tx = txs.find((x) => key(x) === key(s));
    if (!tx) continue;
    t.equal(tx.reqBodyLen, s.reqBodyLen, `${key(s)} request body length`);
    t.equal(tx.respBodyLen, s.respBodyLen, `${key(s)} response body length (de-chunked, still compressed)`);
    t.equal(tx.completeness, 'full', `${key(s)} complete`);
    t.equal(tx.server, `127.0.0.1:${port}`);
  }
  const gz = txs.find((x) => x.uri === '/gzip');
  t.equal(gz?.respContentType, 'application/json');
  t.ok(gz?.respBody && JSON.parse(Buffer.from(gz.respBody).toString()).items.length === 50, 'gzip body captured decompressed');
  const flows = new Set(txs.filter((x) => x.uri?.startsWith('/pipe') || x.uri === '/missing/3').map((x) => x.flowId));
  t.equal(flows.size, 1, 'pipelined requests on one flow');
});
