// A valid frame of every link type, encapsulation and tunnel the decoder handles, shared by the
// truncation and fuzz tests.
import { chdlc, erspan2, erspan3, eth, geneve, gre, HTTP_GET, ipv4, ipv6, mpls, nflog, nullHdr, payload, pbb, ppp, pppoe, sll, sll2, tcp, udp, vlan, vxlan, type Built } from './frames';

export interface Sample {
  name: string;
  built: Built;
  linkType: number;
}

const http = () => payload(HTTP_GET);
const t4 = (o: { options?: number[] } = {}) => ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, ...o }, tcp({ sport: 40000, dport: 80, mss: 1460, wscale: 7 }, http()));
const u4 = () => ipv4({ proto: 17 }, udp(5353, 53, payload('dns?')));
const t6 = () => ipv6({ proto: 6, ext: [{ type: 0 }, { type: 60 }] }, tcp({ sport: 40000, dport: 443 }, http()));
const innerEth = () => eth(0x0800, t4());
const outer4 = (proto: number, b: Built) => eth(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto }, b));

export function samples(): Sample[] {
  return [
    { name: 'eth-ipv4-tcp', built: eth(0x0800, t4({ options: [1, 1, 1, 0] })), linkType: 1 },
    { name: 'eth-ipv4-udp', built: eth(0x0800, u4()), linkType: 1 },
    { name: 'eth-qinq-ipv4-udp', built: eth(0x88a8, vlan(10, 0x8100, vlan(20, 0x0800, u4()))), linkType: 1 },
    { name: 'eth-mpls-ipv4-tcp', built: eth(0x8847, mpls([100, 200], t4())), linkType: 1 },
    { name: 'eth-pbb-eth-ipv4-tcp', built: eth(0x88e7, pbb(0x123456, innerEth())), linkType: 1 },
    { name: 'eth-pppoe-ipv6-tcp', built: eth(0x8864, pppoe(0x55, 0x0057, t6())), linkType: 1 },
    { name: 'eth-ipv6ext-tcp', built: eth(0x86dd, t6()), linkType: 1 },
    { name: 'vxlan', built: outer4(17, udp(1000, 4789, vxlan(77, innerEth()))), linkType: 1 },
    { name: 'geneve', built: outer4(17, udp(1000, 6081, geneve(88, 0x6558, innerEth(), 2))), linkType: 1 },
    { name: 'geneve-ip', built: outer4(17, udp(1000, 6081, geneve(88, 0x0800, t4(), 1))), linkType: 1 },
    { name: 'gre-teb', built: outer4(47, gre({ proto: 0x6558, key: 5, seq: 6, checksum: true }, innerEth())), linkType: 1 },
    { name: 'gre-ip6', built: outer4(47, gre({ proto: 0x86dd }, t6())), linkType: 1 },
    { name: 'erspan1', built: outer4(47, gre({ proto: 0x88be }, innerEth())), linkType: 1 },
    { name: 'erspan2', built: outer4(47, gre({ proto: 0x88be, seq: 1 }, erspan2(9, innerEth()))), linkType: 1 },
    { name: 'erspan3', built: outer4(47, gre({ proto: 0x22eb, seq: 1 }, erspan3(9, innerEth(), { platform: true }))), linkType: 1 },
    { name: 'gre-udp', built: outer4(17, udp(1000, 4754, gre({ proto: 0x0800 }, t4()))), linkType: 1 },
    { name: 'ipip', built: outer4(4, t4()), linkType: 1 },
    { name: 'ip6in4', built: outer4(41, t6()), linkType: 1 },
    {
      name: 'gre-erspan-vxlan',
      built: outer4(47, gre({ proto: 0x88be, seq: 1 }, erspan2(3, eth(0x0800, ipv4({ proto: 17 }, udp(1, 4789, vxlan(5, innerEth()))))))),
      linkType: 1,
    },
    { name: 'sll', built: sll(0x0800, t4()), linkType: 113 },
    { name: 'sll2', built: sll2(0x86dd, t6()), linkType: 276 },
    { name: 'raw', built: t4(), linkType: 101 },
    { name: 'raw-ipv6', built: t6(), linkType: 229 },
    { name: 'null-le', built: nullHdr(2, true, t4()), linkType: 0 },
    { name: 'null-be-v6', built: nullHdr(30, false, t6()), linkType: 0 },
    { name: 'loop', built: nullHdr(2, false, t4()), linkType: 108 },
    { name: 'nflog', built: nflog(2, t4()), linkType: 239 },
    { name: 'chdlc', built: chdlc(0x0800, t4()), linkType: 104 },
    { name: 'ppp', built: ppp(0x0021, t4()), linkType: 9 },
  ];
}
