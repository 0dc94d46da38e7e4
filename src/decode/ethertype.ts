// Ethertype dispatch table: the protocol after Ethernet, VLAN, SLL/SLL2, GRE, Geneve and C-HDLC.
import { DecodeStatus } from './types';
import type { DecodeCtx } from './context';
import { Layer } from './layers';
import { decodeIpv4 } from './ipv4';
import { decodeIpv6 } from './ipv6';
import { decodeVlan } from './vlan';
import { decodeMpls } from './mpls';
import { decodePppoe } from './pppoe';
import { decodeEthernet } from './ethernet';
import { decodePbb } from './pbb';

export const enum EtherType {
  Ipv4 = 0x0800,
  Arp = 0x0806,
  TransparentEthernet = 0x6558,
  Vlan = 0x8100,
  Ipv6 = 0x86dd,
  MplsUnicast = 0x8847,
  MplsMulticast = 0x8848,
  PppoeDiscovery = 0x8863,
  PppoeSession = 0x8864,
  QinQ = 0x88a8,
  ProviderBackbone = 0x88e7,
  QinQOld1 = 0x9100,
  QinQOld2 = 0x9200,
}

export function dispatchEthertype(ctx: DecodeCtx, type: number, d: Uint8Array, o: number, end: number): DecodeStatus {
  switch (type) {
    case EtherType.Ipv4:
      return decodeIpv4(ctx, d, o, end);
    case EtherType.Ipv6:
      return decodeIpv6(ctx, d, o, end);
    case EtherType.Vlan:
    case EtherType.QinQ:
    case EtherType.QinQOld1:
    case EtherType.QinQOld2:
      return decodeVlan(ctx, d, o, end);
    case EtherType.MplsUnicast:
    case EtherType.MplsMulticast:
      return decodeMpls(ctx, d, o, end);
    case EtherType.PppoeSession:
      return decodePppoe(ctx, d, o, end);
    case EtherType.TransparentEthernet:
      return decodeEthernet(ctx, d, o, end);
    case EtherType.ProviderBackbone:
      return decodePbb(ctx, d, o, end);
    case EtherType.Arp:
      ctx.count(Layer.Arp);
      return DecodeStatus.Ok;
    default:
      ctx.count(Layer.OtherEthertype);
      return DecodeStatus.Ok;
  }
}
