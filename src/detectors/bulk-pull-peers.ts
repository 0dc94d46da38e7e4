// The peers' norm of the bulk-pull detector: per endpoint, how many records and bytes one identity
// takes from it in one active hour, learned from every (identity, endpoint) hour that closes (two
// log histograms per endpoint, no samples kept). An identity is compared with the identities calling
// the same endpoints, whatever their role is called, and not with itself: its own recent hours
// there (its pair's hour history) are taken out of the histogram before the quantile is read.
// Hours of an identity judged a pull are not learned. The endpoints followed are bounded.
import type { EndpointBaseline, PairBaseline } from '../features/types';
import { binOf, binsQuantile, H_BYTES, H_RECORDS, HISTOGRAM_BINS, LogHistogram, M_REQUESTS, newestInHistory } from './bulk-pull-stats';
import { BoundedTable, type Touched } from '../core/bounded-table';

class EndpointPeers implements Touched {
  readonly records = new LogHistogram();
  readonly bytes = new LogHistogram();
  constructor(public touched: number) {}
}

/** The others' peers (see `others`), and how many identity-hours they hold. */
export interface PeerNorm {
  norm: number;
  samples: number;
}

const scratch = new Uint32Array(HISTOGRAM_BINS);

export class BulkPeers {
  private readonly table: BoundedTable<EndpointPeers>;

  constructor(maxEndpoints: number, onEvict: () => void) {
    this.table = new BoundedTable<EndpointPeers>(maxEndpoints, onEvict, 24 * 3600);
  }

  /**
   * Called for each transaction of a pair after the features stage counted it: when it opened a new
   * hour window, the window that closed (the newest row of the pair's hour history) is one sample.
   */
  observe(pair: PairBaseline, ep: EndpointBaseline, ts: number, learn: boolean): void {
    if (!learn || pair.hour.cur(M_REQUESTS) !== 1 || pair.requests <= 1 || pair.hourHistory.count === 0) return;
    let peers = this.table.get(ep.key);
    if (peers === undefined) {
      peers = new EndpointPeers(ts);
      this.table.insert(ep.key, peers, ts);
    }
    peers.touched = ts;
    peers.records.add(newestInHistory(pair.hourHistory, H_RECORDS));
    peers.bytes.add(newestInHistory(pair.hourHistory, H_BYTES));
  }

  /**
   * Quantile q of the hourly records (or bytes) one identity takes from the endpoint, the identity of
   * `own` left out (its hours there that the histogram may hold), with the number of other samples.
   */
  others(ep: EndpointBaseline, own: PairBaseline, bytes: boolean, q: number, out: PeerNorm): PeerNorm {
    const peers = this.table.get(ep.key);
    out.norm = 0;
    out.samples = 0;
    if (peers === undefined) return out;
    const h = bytes ? peers.bytes : peers.records;
    scratch.set(h.bins);
    let total = h.total;
    const history = own.hourHistory;
    const col = bytes ? H_BYTES : H_RECORDS;
    for (let i = 0; i < history.count; i++) {
      const b = binOf(history.values[i * history.width + col] as number);
      if ((scratch[b] as number) > 0) {
        scratch[b] = (scratch[b] as number) - 1;
        total--;
      }
    }
    out.samples = total;
    out.norm = binsQuantile(scratch, total, q);
    return out;
  }
}
