// Address formatting for records and logs (never on the per-packet hot path).

export function ipToString(version: number, bytes: Uint8Array): string {
  if (version === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (version !== 6) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: compress the longest run (>= 2) of zero groups, leftmost on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** `ip:port`, IPv6 as `[ip]:port` (the form records use). */
export function endpointToString(version: number, bytes: Uint8Array, port: number): string {
  const ip = ipToString(version, bytes);
  return version === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}
