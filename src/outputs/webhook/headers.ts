// Headers Tapwatch sets on every webhook request. A leaf, so the config schema can refuse them in
// `headers` without loading the transport.
export const SIGNATURE_HEADER = 'X-Tapwatch-Signature';
export const TIMESTAMP_HEADER = 'X-Tapwatch-Timestamp';

/** Header names Tapwatch sets itself; config may not override them. */
export const RESERVED_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'idempotency-key',
  SIGNATURE_HEADER.toLowerCase(),
  TIMESTAMP_HEADER.toLowerCase(),
];
