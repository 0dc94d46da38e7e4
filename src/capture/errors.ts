// Typed capture errors: the addon throws Errors with a stable `code` (ERR_PCAP_*) and libpcap's own
// message; this wraps them so callers can branch on the code and operators read libpcap's words.
export type CaptureErrorCode =
  | 'ERR_PCAP_OPEN'
  | 'ERR_PCAP_NO_SUCH_DEVICE'
  | 'ERR_PCAP_PERM_DENIED'
  | 'ERR_PCAP_IFACE_NOT_UP'
  | 'ERR_PCAP_ACTIVATE'
  | 'ERR_PCAP_FILTER'
  | 'ERR_PCAP_READ'
  | 'ERR_PCAP_STATS'
  | 'ERR_PCAP_STATE'
  | 'ERR_PCAP_ARGS';

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Turn whatever the addon threw into a CaptureError (non-addon errors pass through unchanged). */
export function toCaptureError(err: unknown): Error {
  if (err instanceof CaptureError) return err;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PCAP_')) {
      return new CaptureError(code as CaptureErrorCode, err.message);
    }
    return err;
  }
  return new Error(String(err));
}
