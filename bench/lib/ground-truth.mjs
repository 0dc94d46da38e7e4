// The ground truth of a capture made by bench/make-capture.sh: nginx's access-log count of the
// transactions it served, and how a tool's counts compare with it.

/** Transactions in nginx's access log, or null (a capture not made by make-capture.sh). */
export function groundTruth(meta) {
  return typeof meta?.nginxRequests === 'number' ? meta.nginxRequests : null;
}

// "=" when requests, responses and transactions all equal the ground truth, else the differences.
export function versusTruth(s, truth) {
  if (truth === null || truth === undefined || s.transactions === null) return '-';
  const parts = [];
  const d = (name, v) => {
    if (v !== null && v !== undefined && v !== truth) parts.push(`${name} ${v - truth > 0 ? '+' : ''}${v - truth}`);
  };
  d('tx', s.transactions);
  if (s.requests !== s.transactions) d('req', s.requests);
  d('resp', s.responses);
  return parts.length === 0 ? '=' : parts.join(', ');
}
