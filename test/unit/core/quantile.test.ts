// The two quantiles in core: of a sorted sample (interpolated) and the bin of a histogram that holds
// a quantile (shared by the think-time histogram, the scraping peers and the login-run histograms).
import t from 'tap';
import { histogramQuantileBin, quantileSorted } from '../../../src/core/quantile';

t.test('quantileSorted interpolates between ranks', async (t) => {
  const s = Float64Array.from([1, 2, 3, 4, 5]);
  t.equal(quantileSorted(s, 5, 0.5), 3);
  t.equal(quantileSorted(s, 5, 0.9), 4.6);
  t.equal(quantileSorted(s, 0, 0.5), 0, 'empty');
});

t.test('histogramQuantileBin: the first bin with samples where the running count reaches q of the total', async (t) => {
  t.equal(histogramQuantileBin([0, 0, 0], 0.5), -1, 'empty');
  const h = Uint32Array.from([0, 3, 0, 0, 1]); // 4 samples: three in bin 1, one in bin 4
  t.equal(histogramQuantileBin(h, 0.5), 1);
  t.equal(histogramQuantileBin(h, 0.75), 1, '3 of 4 reached in bin 1');
  t.equal(histogramQuantileBin(h, 0.76), 4, 'just past it: the next bin with samples, not an empty one');
  t.equal(histogramQuantileBin(h, 0), 1, 'q = 0: the first bin with samples');
  t.equal(histogramQuantileBin(Float64Array.from([0.5, 0.25, 0.25]), 0.99), 2, 'fractional counts (halved histograms)');
});
