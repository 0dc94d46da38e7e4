// The byte cap never splits a UTF-8 character, the two stream framings, and the reconnect delays.
import t from 'tap';
import { Backoff } from '../../../../src/outputs/syslog/backoff';
import { encodeMessage, frame, truncateUtf8 } from '../../../../src/outputs/syslog/framing';
import { strictUtf8 } from '../../../helpers/syslog-parse';
import { LfDeframer, OctetCountingDeframer } from '../../../helpers/syslog-collector';

t.test('truncation at every cap: valid UTF-8, the longest prefix that fits', async (t) => {
  // 1-, 2-, 3- and 4-byte characters in a row.
  const text = 'a é € 😀 '.repeat(5) + 'z';
  const full = Buffer.from(text);
  const chars = [...text];
  for (let max = 0; max <= full.length + 1; max++) {
    const cut = truncateUtf8(full, max);
    const decoded = strictUtf8(cut); // throws on a split character
    t.ok(cut.length <= max, `fits in ${max}`);
    t.ok(text.startsWith(decoded), 'a prefix');
    // The next whole character would not have fitted.
    const next = chars[[...decoded].length];
    if (next !== undefined && cut.length + Buffer.byteLength(next) <= max) t.fail(`cap ${max}: ${next} would still fit`);
  }
  t.same(encodeMessage('😀😀', 7), { bytes: Buffer.from('😀'), truncated: true });
  t.same(encodeMessage('abc', 3), { bytes: Buffer.from('abc'), truncated: false });
});

t.test('octet counting: LEN SP MSG, LEN in bytes', async (t) => {
  const message = Buffer.from('<134>1 - - - - - - ünï');
  const { framed, escapedLf } = frame(message, 'octet-counting');
  t.equal(escapedLf, 0);
  t.equal(framed.toString(), `${message.length} ${message.toString()}`);
  t.same(new OctetCountingDeframer().push(framed), [message]);
});

t.test('the test de-framers recover messages from any chunking, down to single bytes', async (t) => {
  const messages = Array.from({ length: 30 }, (_, i) => Buffer.from(`<14>1 - - - - - - message ${i} ${'ü'.repeat(i * 3)}`));
  for (const framing of ['octet-counting', 'lf'] as const) {
    const stream = Buffer.concat(messages.map((m) => frame(m, framing).framed));
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const deframer = framing === 'octet-counting' ? new OctetCountingDeframer() : new LfDeframer();
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...deframer.push(stream.subarray(i, i + size)));
      t.same(got, messages, `${framing}, ${size}-byte chunks`);
      t.equal(deframer.pending, 0);
    }
  }
});

t.test('LF framing: one trailer, LFs inside the message escaped as #012', async (t) => {
  const { framed, escapedLf } = frame(Buffer.from('a\nb\n\nc'), 'lf');
  t.equal(escapedLf, 3);
  t.equal(framed.toString(), 'a#012b#012#012c\n');
  t.same(new LfDeframer().push(framed).map(String), ['a#012b#012#012c']);
});

t.test('backoff doubles to the cap, jitter within the upper half, reset', async (t) => {
  const low = new Backoff(100, 1000, () => 0);
  const high = new Backoff(100, 1000, () => 1);
  t.same(
    Array.from({ length: 6 }, () => low.next()),
    [50, 100, 200, 400, 500, 500],
  );
  t.same(
    Array.from({ length: 6 }, () => high.next()),
    [100, 200, 400, 800, 1000, 1000],
  );
  high.reset();
  t.equal(high.next(), 100);
  const random = new Backoff(10, 80);
  for (let i = 0; i < 50; i++) {
    const d = random.next();
    t.ok(d >= 5 && d <= 80, `${d} within [5, 80]`);
  }
});
