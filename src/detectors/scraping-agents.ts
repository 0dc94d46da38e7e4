// Which user agents name an automation client: HTTP libraries and command-line tools sending their
// default agent, headless browsers and crawler frameworks (the documented default User-Agent strings
// of curl, wget, python-requests, urllib, Go net/http, Java, okhttp, axios, Scrapy, HeadlessChrome,
// Puppeteer, Playwright, Selenium ...). The scraping detector treats a match as one weak factor:
// attackers copy browser agents, and many legitimate integrations keep their library's default.

/** Library or tool tokens that open the agent string when a client sends its default (`curl/8.4.0`). */
const LEADING = [
  'curl',
  'wget',
  'python-requests',
  'python-urllib',
  'python-httpx',
  'python/',
  'aiohttp',
  'httpx',
  'go-http-client',
  'go-resty',
  'java/',
  'java-http-client',
  'apache-httpclient',
  'jakarta commons-httpclient',
  'okhttp',
  'axios',
  'node-fetch',
  'undici',
  'node',
  'got',
  'libwww-perl',
  'lwp::',
  'ruby',
  'faraday',
  'httpie',
  'postmanruntime',
  'insomnia',
  'guzzlehttp',
  'php',
  'dart:io',
  'dart/',
  'reqwest',
  'winhttp',
  'powershell',
  'mechanize',
  'colly',
  'httrack',
  'scrapy',
] as const;

/** Tokens that name automation wherever they appear (headless browsers, crawler frameworks). */
const ANYWHERE = [
  'headlesschrome',
  'phantomjs',
  'puppeteer',
  'playwright',
  'selenium',
  'webdriver',
  'windowspowershell',
  'scrapy',
  'nutch',
  'nmap',
  'sqlmap',
  'nikto',
  'zgrab',
  'masscan',
  'crawler',
  'spider',
  'bot/',
  'bot;',
  // crawlers name their documentation page: `(compatible; ExampleBot; +https://example.com/bot)`
  '+http',
] as const;

/** The automation token an agent names (`curl`, `headlesschrome`), `none` when it sent no agent, or null for a browser or app. */
export function automationAgent(userAgent: string | null): string | null {
  if (userAgent === null) return 'none';
  const ua = userAgent.trim().toLowerCase();
  if (ua === '' || ua === '-') return 'none';
  for (const token of LEADING) {
    if (!ua.startsWith(token)) continue;
    const next = ua.charAt(token.length);
    // `got/11` is the library, `gotham/1` is not: a token ends at a version, space or the string's end
    if (token.endsWith('/') || token.endsWith(':') || next === '' || next === '/' || next === ' ' || next === '-') return trimToken(token);
  }
  for (const token of ANYWHERE) if (ua.includes(token)) return trimToken(token);
  return null;
}

function trimToken(token: string): string {
  if (token === '+http') return 'crawler';
  return token.replace(/[/:;]+$/, '');
}
