// One way to say what went wrong with a socket, for SendResult reasons and logs.

/** `CODE: message`, or the message alone when there is no code. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

// OpenSSL verification results (SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
// CERT_HAS_EXPIRED ...) and Node's host-name check (ERR_TLS_CERT_ALTNAME_INVALID).
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_|ISSUER|ALTNAME/;

/** Whether a TLS error is about the peer's certificate rather than the network. */
export function isCertificateError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CERTIFICATE_CODE.test(code);
}
