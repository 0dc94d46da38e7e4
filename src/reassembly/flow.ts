// A tracked TCP flow: the FlowInfo that analyzers see plus the table's bookkeeping (hash chain,
// timeout list links) and the two directions' reassembly state.
import type { EndReason, FlowInfo } from './types';
import { TcpDirection } from './tcp-direction';
import { KEY_WORDS } from './flow-key';

export const enum FlowState {
  /** Created by a SYN; handshake not yet complete. */
  New = 0,
  Established = 1,
  /** Both directions ended (FIN) or reset: kept briefly to absorb stragglers. */
  Closed = 2,
}

export class Flow implements FlowInfo {
  app: unknown = null;
  readonly key = new Uint32Array(KEY_WORDS);
  hash = 0;
  /** Next flow in the same hash bucket. */
  hashNext: Flow | null = null;
  /** Links in the timeout list of the flow's state, oldest activity first. */
  prev: Flow | null = null;
  next: Flow | null = null;
  state: FlowState = FlowState.New;
  lastTs = 0;
  /** True when the originator is key endpoint A. */
  origIsA = true;
  /** The analyzer declined the flow: stop delivering and buffering its data. */
  appStopped = false;
  closeReason: EndReason | null = null;
  /** The consumer's onClose has run (at a clean close, before the flow leaves the table). */
  closeNotified = false;
  readonly dirs: [TcpDirection, TcpDirection] = [new TcpDirection(), new TcpDirection()];

  constructor(
    readonly id: string,
    readonly ipVersion: 4 | 6,
    readonly origIp: string,
    readonly origPort: number,
    readonly respIp: string,
    readonly respPort: number,
    readonly vlanIds: readonly number[],
    readonly tunnels: readonly string[],
    readonly sawSyn: boolean,
    readonly firstTs: number,
  ) {}
}
