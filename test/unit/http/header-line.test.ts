// The header-line fast path must split every line it accepts exactly as http-parser-js's own regex
// does (the library is the reference); lines it declines go to the library unchanged.
import t from 'tap';
import { HTTPParser } from 'http-parser-js';
import { splitHeaderLine } from '../../../src/http/message-parser';
import { prng } from '../../helpers/prng';

const libraryParse = (HTTPParser.prototype as unknown as { parseHeader(line: string, headers: string[]): void }).parseHeader;
const ALPHABET = ['a', 'B', '-', ':', ' ', ' ', '\t', 'x', '0', '\r', '\u00e9', '\u00ff', '/', '=', ';', '"'];

t.test('fast path agrees with the library on random header lines', async (t) => {
  const rnd = prng(42);
  const wrong: string[] = [];
  let accepted = 0;
  for (let n = 0; n < 50000; n++) {
    const len = Math.floor(rnd() * 24);
    let line = '';
    for (let i = 0; i < len; i++) line += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    if (rnd() < 0.5) line = `Name${line.startsWith(':') ? '' : ':'}${line}`;
    const fast: string[] = [];
    if (!splitHeaderLine(line, fast)) continue;
    accepted++;
    const reference: string[] = [];
    try {
      libraryParse.call({}, line, reference);
    } catch (err) {
      wrong.push(`${JSON.stringify(line)}: library throws ${(err as Error).message}, fast path accepted`);
      continue;
    }
    if (JSON.stringify(fast) !== JSON.stringify(reference)) wrong.push(`${JSON.stringify(line)}: ${JSON.stringify(fast)} vs ${JSON.stringify(reference)}`);
  }
  t.same(wrong.slice(0, 20), []);
  t.ok(accepted > 10000, `${accepted} lines took the fast path`);
});

t.test('well-formed and edge-case lines', async (t) => {
  const split = (line: string): string[] | null => {
    const out: string[] = [];
    return splitHeaderLine(line, out) ? out : null;
  };
  t.same(split('Content-Type: application/json'), ['Content-Type', 'application/json']);
  t.same(split('X-Empty:'), ['X-Empty', '']);
  t.same(split('X-Spaces: \t a b \t '), ['X-Spaces', 'a b']);
  t.same(split('Host:example.com:8080'), ['Host', 'example.com:8080']);
  t.equal(split(' continued value'), null, 'continuation lines go to the library');
  t.equal(split('Bad Name: v'), null, 'whitespace in the name goes to the library');
  t.equal(split('X: a\rb'), null, 'a CR goes to the library (which rejects it)');
  t.equal(split(': no name'), null);
});
