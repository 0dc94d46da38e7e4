// Link-type dispatch table (libpcap DLT / LINKTYPE values).
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { A } from './anomalies';
import { Layer } from './layers';
import { decodeEthernet } from './ethernet';
import { decodeSll } from './sll';
import { decodeSll2 } from './sll2';
import { decodeNull } from './null';
import { decodeRaw } from './raw';
import { decodeNflog } from './nflog';
import { decodeChdlc } from './chdlc';
import { decodePpp } from './ppp';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';

export const enum LinkType {
  Null = 0,
  Ppp = 9,
  PppSerial = 50,
  Ethernet = 1,
  RawBsd = 12,
  RawOpenBsd = 14,
  Raw = 101,
  CHdlc = 104,
  Loop = 108,
  LinuxSll = 113,
  Ipv4 = 228,
  Ipv6 = 229,
  Nflog = 239,
  LinuxSll2 = 276,
}

export function dispatchLink(ctx: DecodeCtx, linkType: number, d: Uint8Array, o: number, end: number): DecodeStatus {
  switch (linkType) {
    case LinkType.Ethernet:
      return decodeEthernet(ctx, d, o, end);
    case LinkType.LinuxSll:
      return decodeSll(ctx, d, o, end);
    case LinkType.LinuxSll2:
      return decodeSll2(ctx, d, o, end);
    case LinkType.Raw:
    case LinkType.RawBsd:
    case LinkType.RawOpenBsd:
      return decodeRaw(ctx, d, o, end);
    case LinkType.Ipv4:
      ctx.count(Layer.Raw);
      return decodeIpv4(ctx, d, o, end);
    case LinkType.Ipv6:
      ctx.count(Layer.Raw);
      return decodeIpv6(ctx, d, o, end);
    case LinkType.Null:
      return decodeNull(ctx, d, o, end, Layer.Null);
    case LinkType.Loop:
      return decodeNull(ctx, d, o, end, Layer.Loop);
    case LinkType.Nflog:
      return decodeNflog(ctx, d, o, end);
    case LinkType.Ppp:
    case LinkType.PppSerial:
      return decodePpp(ctx, d, o, end);
    case LinkType.CHdlc:
      return decodeChdlc(ctx, d, o, end);
    default:
      return ctx.anomaly(A.linkUnknown);
  }
}
