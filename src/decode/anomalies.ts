// Every anomaly name the decoder can count (format `decode.<protocol>.<what>`). Referencing these
// constants keeps the names consistent between the decoders, the tests and the documentation.

export const A = {
  internalError: 'decode.internal_error',
  linkUnknown: 'decode.link.unknown_type',
  layersTooMany: 'decode.layers.too_many',
  tunnelTooMany: 'decode.tunnel.too_many',
  ethernetTruncated: 'decode.ethernet.truncated',
  vlanTruncated: 'decode.vlan.truncated',
  pbbTruncated: 'decode.pbb.truncated',
  vlanTooMany: 'decode.vlan.too_many_tags',
  mplsTruncated: 'decode.mpls.truncated',
  mplsTooMany: 'decode.mpls.too_many_labels',
  mplsUnknownPayload: 'decode.mpls.unknown_payload',
  pppoeTruncated: 'decode.pppoe.truncated',
  pppoeBadVersion: 'decode.pppoe.bad_version',
  pppTruncated: 'decode.ppp.truncated',
  sllTruncated: 'decode.sll.truncated',
  sll2Truncated: 'decode.sll2.truncated',
  nullTruncated: 'decode.null.truncated',
  rawTruncated: 'decode.raw.truncated',
  rawUnknownVersion: 'decode.raw.unknown_version',
  nflogTruncated: 'decode.nflog.truncated',
  nflogBadTlvLength: 'decode.nflog.bad_tlv_length',
  chdlcTruncated: 'decode.chdlc.truncated',
  ipv4Truncated: 'decode.ipv4.truncated',
  ipv4BadVersion: 'decode.ipv4.bad_version',
  ipv4BadHeaderLength: 'decode.ipv4.bad_header_length',
  ipv4BadTotalLength: 'decode.ipv4.bad_total_length',
  ipv4BadChecksum: 'decode.ipv4.bad_checksum',
  ipv6Truncated: 'decode.ipv6.truncated',
  ipv6BadVersion: 'decode.ipv6.bad_version',
  ipv6NestedFragment: 'decode.ipv6.fragment.nested',
  tcpTruncated: 'decode.tcp.truncated',
  tcpBadHeaderLength: 'decode.tcp.bad_header_length',
  tcpBadChecksum: 'decode.tcp.bad_checksum',
  udpTruncated: 'decode.udp.truncated',
  udpBadLength: 'decode.udp.bad_length',
  udpBadChecksum: 'decode.udp.bad_checksum',
  vxlanTruncated: 'decode.vxlan.truncated',
  geneveTruncated: 'decode.geneve.truncated',
  geneveBadVersion: 'decode.geneve.bad_version',
  greTruncated: 'decode.gre.truncated',
  greUnsupportedVersion: 'decode.gre.unsupported_version',
  erspan2Truncated: 'decode.erspan2.truncated',
  erspan3Truncated: 'decode.erspan3.truncated',
  erspanBadVersion: 'decode.erspan.bad_version',
} as const;

/** Fragment-reassembly anomaly names, per IP version (index 0 = IPv4, 1 = IPv6). */
export class FragNames {
  constructor(
    readonly truncated: string,
    readonly overlap: string,
    readonly duplicate: string,
    readonly badLength: string,
    readonly tooLarge: string,
    readonly tableFull: string,
    readonly bytesLimit: string,
    readonly timeout: string,
  ) {}
}

function fragNames(v: string): FragNames {
  const p = `decode.${v}.fragment.`;
  return new FragNames(
    p + 'truncated',
    p + 'overlap',
    p + 'duplicate',
    p + 'bad_length',
    p + 'too_large',
    p + 'table_full',
    p + 'bytes_limit',
    p + 'timeout',
  );
}

export const FRAG_V4 = fragNames('ipv4');
export const FRAG_V6 = fragNames('ipv6');

/** All anomaly names, for documentation and tests. */
export const ALL_ANOMALIES: readonly string[] = [
  ...Object.values(A),
  ...Object.values(FRAG_V4),
  ...Object.values(FRAG_V6),
];
