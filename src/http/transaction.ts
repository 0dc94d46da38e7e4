// The HttpTransaction record the analyzer emits, built from a finished TxBuilder. Its bodies are
// decoded on first read and cached: most transactions' bodies are never read (the inventory samples,
// records print no body), so gzip/deflate/br work and the copy of the captured prefix happen only for
// a consumer that asks. To consumers it is an immutable record: readonly fields and read-only
// getters; the capture waiting to be decoded is held in private fields (not enumerable, not copied
// by a spread, never serialised).

import type { BodyCapture, BodyDecoder } from './body';
import { NO_CREDENTIALS } from './credentials';
import type { FlowState, TxBuilder } from './flow-state';
import type { Completeness, HttpTransaction, TransactionCredential } from './types';

/** Scheme and authority of an absolute-form request target (`http://host:8080`). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** The request target as a path and query: absolute form reduced to origin form, fragment dropped. */
export function originForm(uri: string): string {
  let target = uri;
  const abs = ABSOLUTE_FORM.exec(uri);
  if (abs) target = uri.slice(abs[0].length) || '/';
  const hash = target.indexOf('#');
  return hash >= 0 ? target.slice(0, hash) : target;
}

export class CapturedTransaction implements HttpTransaction {
  readonly flowId: string;
  readonly txId: number;
  readonly client: string;
  readonly server: string;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  readonly vlanIds: readonly number[];
  readonly tunnels: readonly string[];
  readonly ts: number;
  readonly respTs: number | null;
  readonly method: string | null;
  readonly host: string | null;
  readonly uri: string | null;
  readonly path: string | null;
  readonly query: string | null;
  readonly version: string | null;
  readonly status: number | null;
  readonly statusMessage: string | null;
  readonly userAgent: string | null;
  readonly reqContentType: string | null;
  readonly contentEncoding: string | null;
  readonly respContentEncoding: string | null;
  readonly authorization: string | null;
  readonly authJwtAlg: string | null;
  readonly credentials: readonly TransactionCredential[];
  readonly issuedCredentials?: readonly string[];
  readonly xForwardedFor: string | null;
  readonly forwardedFor: string | null;
  readonly cookieNames: readonly string[];
  readonly headers: readonly string[];
  readonly respHeaders: readonly string[];
  readonly respContentType: string | null;
  readonly reqBodyLen: number;
  readonly respBodyLen: number;
  readonly reqBodyDeclared: number | null;
  readonly respBodyDeclared: number | null;
  readonly completeness: Completeness;
  readonly upgrade: string | null;
  readonly anomalies: readonly string[];
  /** Captured request body not read yet; null once decoded (or when there was none). */
  #reqCapture: BodyCapture | null;
  #reqBody: Uint8Array | null = null;
  #respCapture: BodyCapture | null;
  #respBody: Uint8Array | null = null;
  readonly #decoder: BodyDecoder;

  constructor(st: FlowState, tx: TxBuilder, path: string | null, query: string | null, decoder: BodyDecoder) {
    this.flowId = st.flow.id;
    this.txId = tx.txId;
    this.client = st.client;
    this.server = st.server;
    this.clientIp = st.clientIp;
    this.clientPort = st.clientPort;
    this.serverIp = st.serverIp;
    this.serverPort = st.serverPort;
    this.vlanIds = st.flow.vlanIds;
    this.tunnels = st.flow.tunnels;
    this.ts = tx.hasReq ? tx.ts : (tx.respTs ?? tx.ts);
    this.respTs = tx.respTs;
    this.method = tx.method;
    this.host = tx.host;
    this.uri = tx.uri;
    this.path = path;
    this.query = query;
    this.version = tx.version ?? tx.respVersion;
    this.status = tx.status;
    this.statusMessage = tx.statusMessage;
    this.userAgent = tx.userAgent;
    this.reqContentType = tx.reqContentType;
    this.contentEncoding = tx.contentEncoding;
    this.respContentEncoding = tx.respContentEncoding;
    this.authorization = tx.authorization;
    this.authJwtAlg = tx.authJwtAlg;
    this.credentials = tx.credentials ?? NO_CREDENTIALS;
    if (tx.issuedCredentials !== null) this.issuedCredentials = tx.issuedCredentials;
    this.xForwardedFor = tx.xForwardedFor;
    this.forwardedFor = tx.forwardedFor;
    this.cookieNames = tx.cookieNames;
    this.headers = tx.headers;
    this.respHeaders = tx.respHeaders;
    this.respContentType = tx.respContentType;
    this.reqBodyLen = tx.reqBody?.length ?? 0;
    this.respBodyLen = tx.respBody?.length ?? 0;
    this.reqBodyDeclared = tx.reqBodyDeclared;
    this.respBodyDeclared = tx.respBodyDeclared;
    this.completeness = tx.gapped ? 'gapped' : !tx.hasReq ? 'response-only' : !tx.hasResp ? 'request-only' : 'full';
    this.upgrade = tx.upgrade;
    this.anomalies = tx.anomalies ?? [];
    this.#reqCapture = tx.reqBody;
    this.#respCapture = tx.respBody;
    this.#decoder = decoder;
  }

  /** Captured request body prefix (bounded), decoded on first read when the encoding is gzip/deflate/br. */
  get reqBody(): Uint8Array | null {
    const capture = this.#reqCapture;
    if (capture !== null) {
      this.#reqCapture = null;
      this.#reqBody = this.#decoder.decode(capture, this.contentEncoding);
    }
    return this.#reqBody;
  }

  /** Captured response body prefix (bounded), decoded on first read when the encoding is gzip/deflate/br. */
  get respBody(): Uint8Array | null {
    const capture = this.#respCapture;
    if (capture !== null) {
      this.#respCapture = null;
      this.#respBody = this.#decoder.decode(capture, this.respContentEncoding);
    }
    return this.#respBody;
  }
}
