// The injection patterns, by class: each rule is one textbook shape of an attack (UNION SELECT, an
// event handler in a tag, a shell separator before a command, `../` runs, `{{7*7}}`, a `$ne` key)
// with a weight: how sure that shape alone makes us. Strong shapes weigh 0.8–0.95 and fire alone;
// weak ones (a bare `<b>` tag, `select … from` in prose, one `../`) weigh under 0.5 and count only
// with another rule of their class. Rules run on lower-cased, decoded text (injection-match.ts);
// `form` names which normalised form a rule reads. SSRF lives in injection-ssrf.ts (it parses URLs).

export const INJECTION_CLASSES = ['sqli', 'xss', 'command', 'traversal', 'ssrf', 'template', 'nosql'] as const;
export type InjectionClass = (typeof INJECTION_CLASSES)[number];

/** What an analyst reads for each class. */
export const CLASS_NAMES: Readonly<Record<InjectionClass, string>> = {
  sqli: 'SQL injection',
  xss: 'cross-site scripting',
  command: 'command injection',
  traversal: 'path traversal',
  ssrf: 'server-side request forgery',
  template: 'template injection',
  nosql: 'NoSQL operator injection',
};

/**
 * `text`: lower-cased decoded value; `compact`: the same with SQL/CSS comments as spaces and
 * whitespace collapsed (SQL and CSS hide keywords that way); `path`: backslashes as slashes,
 * `/./` and `//` folded.
 */
export type RuleForm = 'text' | 'compact' | 'path';

export interface Rule {
  readonly id: string;
  readonly cls: InjectionClass;
  readonly weight: number;
  readonly form: RuleForm;
  readonly re: RegExp;
  /** What the rule saw, for the explanation. */
  readonly what: string;
}

function rule(cls: InjectionClass, id: string, weight: number, form: RuleForm, re: RegExp, what: string): Rule {
  return { id: `${cls}.${id}`, cls, weight, form, re, what };
}

const Q = `['"\`]`;
const CMP = String.raw`(?:=|<>|!=|<=>|>=|<=|<|>|\blike\b|\brlike\b|\bregexp\b|\bin\s*\()`;

const SQLI: Rule[] = [
  rule('sqli', 'union-select', 0.95, 'compact', /\bunion\b(?:\s+(?:all|distinct))?\s*\(*\s*select\b/, 'UNION SELECT'),
  rule('sqli', 'quote-condition', 0.85, 'compact',
    new RegExp(String.raw`${Q}\s*\)*\s*(?:\bor\b|\band\b|\bxor\b|\|\||&&)\s*\(*\s*(?:not\s+)?(?:${Q}?\w+${Q}?\s*${CMP}|${Q}${Q}\s*=|\w+\s*\(|(?:true|false|null|exists)\b|\(\s*select\b)`),
    'a quote closed, then an OR/AND condition'),
  rule('sqli', 'equal-tautology', 0.85, 'compact', /\b(?:or|and|xor|where|having|when|if)\s*\(*\s*(\d+|'\w*'|"\w*")\s*(?:=|\blike\b)\s*\1(?![\w'"])/, 'an always-true comparison (n=n)'),
  rule('sqli', 'string-tautology', 0.85, 'compact', /(['"])(\w*)\1\s*(?:=|\blike\b)\s*\1\2(?:\1|\s|$)/, "an always-true string comparison ('a'='a')"),
  rule('sqli', 'numeric-condition', 0.65, 'compact', /\b(?:or|and)\s+\(*\s*\d+\s*(?:=|<>|!=|<=|>=|<|>)\s*\(*\s*\d+\b/, 'an AND/OR comparison of numbers'),
  rule('sqli', 'quote-comment', 0.7, 'compact', new RegExp(String.raw`${Q}\s*\)*\s*(?:--|\/\*|;\s*(?:--|#))`), 'a quote closed, then a comment'),
  rule('sqli', 'quote-hash', 0.55, 'compact', new RegExp(String.raw`${Q}\s*\)*\s*#`), 'a quote closed, then #'),
  rule('sqli', 'quote-hash-end', 0.7, 'compact', new RegExp(String.raw`\w${Q}\s*\)*\s*#\s*$`), "a value ended by a quote and # (admin'#)"),
  rule('sqli', 'quote-statement', 0.85, 'compact',
    new RegExp(String.raw`${Q}\s*\)*\s*;?\s*(?:delete\s+from|drop\s+(?:table|database)|insert\s+into|update\s+\w+\s+set|union\s+(?:all\s+)?select\b|exec(?:ute)?\s+(?:master|xp_|sp_)|shutdown\b|truncate\s+table)`),
    'a quote closed, then a SQL statement'),
  rule('sqli', 'stacked-query', 0.9, 'compact',
    /;\s*(?:drop\s+(?:table|database|function|procedure|view)|delete\s+from|insert\s+into|update\s+\w+\s+set|truncate\s+table|alter\s+table|create\s+(?:table|or\s+replace|function|user)|exec(?:ute)?\s+(?:master|xp_|sp_|\()|shutdown\b|waitfor\s+delay|declare\s+@|if\s*\(|select\b[^;]*\bfrom\b|select\s+(?:\d|null|count|sleep|pg_sleep|case|@@|char|version|user|database|\*))/,
    'a stacked statement after ;'),
  rule('sqli', 'statement', 0.5, 'compact', /\b(?:drop\s+table|delete\s+from|insert\s+into|truncate\s+table)\s+\w+/, 'a data-changing statement'),
  rule('sqli', 'time-delay', 0.9, 'compact',
    /\b(?:sleep|pg_sleep|benchmark)\s*\(\s*\d|\bwaitfor\s+(?:delay|time)\s*'|\bdbms_(?:pipe\.receive_message|lock\.sleep)\b|\brandomblob\s*\(\s*\d{6,}|\bgenerate_series\s*\(\s*\d+\s*,\s*\d{6,}/,
    'a time-delay function'),
  rule('sqli', 'catalog', 0.85, 'compact',
    /\binformation_schema\b|\bsys(?:objects|columns|tables|databases|users|logins)\b|\bpg_(?:catalog|shadow|user|tables|database)\b|\bmysql\.(?:user|db)\b|\ball_(?:tables|users|tab_columns|objects)\b|\buser_tables\b|\bsqlite_master\b|\bmsysobjects\b|\brdb\$\w+|\bdomain\.(?:domains|columns|tables)\b/,
    'a database catalogue table'),
  rule('sqli', 'from-dual', 0.7, 'compact', /\bfrom\s+dual\b/, 'FROM DUAL'),
  rule('sqli', 'system-variable', 0.6, 'compact', /@@(?:version|datadir|hostname|basedir|servername|identity)\b/, 'a server variable'),
  rule('sqli', 'info-function', 0.45, 'compact', /\b(?:version|database|current_user|user|schema|system_user|session_user|current_database)\s*\(\s*\)/, 'a server information function'),
  rule('sqli', 'file-or-shell', 0.95, 'compact',
    /\bload_file\s*\(|\binto\s+(?:out|dump)file\b|\bxp_cmdshell\b|\bsp_oacreate\b|\bopenrowset\s*\(|\butl_(?:http|inaddr|file)\.|\bcopy\s+\w+\s+(?:from|to)\s+program\b/,
    'a file or shell function of the database'),
  rule('sqli', 'error-function', 0.75, 'compact',
    /\b(?:extractvalue|updatexml|make_set|elt|geometrycollection|multipoint|multilinestring|ctxsys\.\w+|regexp_substring|crypt_key|xmltype|gtid_subset|json_keys)\s*\(|\bexp\s*\(\s*~/,
    'an error-based extraction function'),
  rule('sqli', 'char-concat', 0.75, 'compact', /\b(?:char|chr|nchar)\s*\(\s*\d+\s*\)\s*(?:\|\||\+|,|\))|\bconcat(?:_ws)?\s*\([^)]*(?:0x[0-9a-f]+|select|char\s*\()/, 'characters built with CHAR()/CONCAT()'),
  rule('sqli', 'cast', 0.6, 'compact', /\b(?:cast|convert)\s*\(.{0,80}?\bas\s+(?:int|integer|char|varchar|nvarchar|numeric|signed|unsigned|text)\b|\bconvert\s*\(\s*(?:int|varchar)\b/, 'a CAST/CONVERT'),
  rule('sqli', 'subselect', 0.75, 'compact', /\(\s*select\s+(?:\*|\d|null\b|count\b|case\b|sleep\b|char\b|concat|@@|\(|[\w.]+\s*(?:,|\(|\bfrom\b))/, 'a sub-select'),
  rule('sqli', 'select-literal', 0.75, 'compact', /\bselect\s+(?:\*|null\b|count\s*\(|\d+\s*(?:,|$|from\b|--|#)|@@|case\s+when|char\s*\(|sleep\b|pg_sleep\b|version\s*\(|user\s*\(|database\s*\()/, 'SELECT of probe values'),
  rule('sqli', 'select-from', 0.45, 'compact', /\bselect\b.{1,100}?\bfrom\b/, 'SELECT … FROM'),
  rule('sqli', 'case-when', 0.6, 'compact', /\bcase\s+when\b.{1,100}?\bthen\b/, 'a CASE WHEN probe'),
  rule('sqli', 'if-probe', 0.7, 'compact', /\bi?if\s*\(\s*\d+\s*=\s*\d+\s*,/, 'an IF(n=n, …) probe'),
  rule('sqli', 'paren-tautology', 0.7, 'compact', /\(\s*(\d+)\s*=\s*\1\s*\)/, 'an always-true comparison in parentheses'),
  rule('sqli', 'order-by-comment', 0.75, 'compact', /\border\s+by\s+\d+\s*(?:--|#)/, 'ORDER BY a column number, then a comment'),
  rule('sqli', 'order-by-number', 0.5, 'compact', /\border\s+by\s+\d+\s*(?:$|\))/, 'ORDER BY a column number'),
  rule('sqli', 'group-having', 0.7, 'compact', /\bgroup\s+by\b.{1,80}?\bhaving\b|\bprocedure\s+analyse\s*\(/, 'GROUP BY … HAVING'),
  rule('sqli', 'hex-literal', 0.3, 'compact', /\b0x[0-9a-f]{6,}\b/, 'a long hex literal'),
  rule('sqli', 'regex-compare', 0.45, 'compact', /\b(?:rlike|regexp|sounds\s+like)\s*\(?\s*(?:select|\d|'|")/, 'RLIKE/REGEXP comparison'),
];

const XSS: Rule[] = [
  rule('xss', 'script-tag', 0.95, 'text', /<\s*\/?\s*script\b/, 'a script tag'),
  rule('xss', 'tag-event-handler', 0.9, 'text', /<[a-z!][^>]*?[\s/"'`]on[a-z]{3,}\s*=/, 'an event handler in a tag'),
  rule('xss', 'handler-runs-code', 0.85, 'text', /\bon[a-z]{3,}\s*=\s*['"`]?\s*(?:[\w.]+\s*[;,]\s*)?(?:alert|prompt|confirm|eval|javascript:|document\.|window\.|location\b|fetch\s*\(|settimeout)/, 'an event handler that runs code'),
  rule('xss', 'attribute-event-handler', 0.7, 'text', /['"`][\s/]*on[a-z]{3,}\s*=/, 'an event-handler attribute after a quote'),
  rule('xss', 'script-uri-call', 0.85, 'text', /(?:^|['"`=(\s])(?:j\s*a\s*v\s*a|v\s*b|l\s*i\s*v\s*e)\s*s\s*c\s*r\s*i\s*p\s*t\s*:\s*[\w.$]+\s*[(`=]/, 'a javascript: URI that runs code'),
  rule('xss', 'script-uri', 0.45, 'text', /(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:/, 'a javascript: URI'),
  rule('xss', 'active-tag', 0.8, 'text', /<\s*(?:iframe|frame|frameset|object|embed|applet|svg|math|base|link|meta|isindex|xml|xss|import|bgsound|layer|ilayer|marquee|keygen|plaintext|xmp)\b(?:[^>]*?\s[a-z-]+\s*=|\s*\/[a-z]|\s*>\s*<)/, 'an active-content tag'),
  rule('xss', 'style-script', 0.55, 'compact', /expression\s*\(|-moz-binding|\b(?:behaviou?r|binding)\s*:\s*url|@import\s*['"(]?\s*(?:url|https?:|\/\/)/, 'script in a style'),
  rule('xss', 'dom-sink', 0.7, 'text', /document\s*\.\s*(?:cookie|domain|write|location)|window\s*\.\s*location|\.innerhtml\b|string\s*\.\s*fromcharcode|\beval\s*\(|\bsettimeout\s*\(|\batob\s*\(/, 'a DOM sink (document.cookie, eval …)'),
  rule('xss', 'breakout-call', 0.85, 'text', /['"`;>][\s\-+*/;,)]*(?:alert|prompt|confirm|eval)\s*[(`]/, 'a string closed, then alert()/eval()'),
  rule('xss', 'dialog-in-tag', 0.8, 'text', /<[a-z][^>]*\b(?:alert|prompt|confirm|eval)\s*\(/, 'alert()/eval() inside a tag'),
  rule('xss', 'dialog-in-markup', 0.7, 'text', /\b(?:alert|prompt|confirm)\s*\([^)]{0,40}\)\s*(?:>|;\s*>|\/\/|<)/, 'alert() next to markup'),
  rule('xss', 'script-uri-attribute', 0.8, 'text', /\b(?:src|href|action|background|data|lowsrc|dynsrc)\s*=\s*['"`]?\s*(?:javascript|vbscript|livescript|mocha)\s*:/, 'a script URI in a src/href attribute'),
  rule('xss', 'dialog-call', 0.5, 'text', /\b(?:alert|prompt|confirm)\s*[(`]/, 'alert()/prompt()/confirm()'),
  rule('xss', 'tag-breakout', 0.6, 'text', /^[^<>]{0,60}['"`]\s*\/?>\s*</, 'an attribute closed, then a new tag'),
  rule('xss', 'data-uri', 0.85, 'text', /\bdata\s*:\s*(?:text\/html|image\/svg\+xml|application\/(?:x-)?javascript)/, 'an HTML/script data: URI'),
  rule('xss', 'url-attribute', 0.7, 'text', /\b(?:srcdoc|formaction|xlink:href)\s*=/, 'a script-capable attribute'),
  rule('xss', 'html-tag', 0.3, 'text', /<\s*(?:img|body|input|video|audio|source|details|table|td|div|a|form|button|textarea|select|style|p|b|i|br|span|html)\b[^>]*>/, 'an HTML tag'),
  rule('xss', 'markup-comment', 0.3, 'text', /<!\[cdata\[|<!--/, 'a CDATA section or markup comment'),
];

/** Commands an injected shell runs first. */
const CMDS = String.raw`(?:id|whoami|uname|cat|ls|dir|pwd|ping|sleep|wget|curl|nc|ncat|netcat|telnet|nslookup|dig|bash|sh|zsh|ksh|dash|powershell|pwsh|cmd|echo|rm|chmod|chown|python[23]?|perl|ruby|php|ifconfig|ipconfig|netstat|printenv|systeminfo|hostname|tftp|xargs|awk|base64|mkfifo|sudo|reboot)`;
const BIN = String.raw`(?:\/(?:usr\/(?:local\/)?)?s?bin\/)?`;
const SEP = String.raw`(?:[;|\n\`]|&&|&|\$\()`;

const COMMAND: Rule[] = [
  rule('command', 'separator-command', 0.9, 'text',
    new RegExp(String.raw`${SEP}\s*${BIN}${CMDS}(?:\.exe)?(?=\s*(?:$|[;&\`)\n>])|\s+-{1,2}[a-z]|\s+[/\\~$.]|\s+\d|\s+[a-z]:[/\\])|(?:[;\n\`]|&&|\$\()\s*${BIN}${CMDS}(?:\.exe)?(?=\s*\|)`),
    'a shell separator, then a command with arguments'),
  rule('command', 'leading-separator', 0.85, 'text', new RegExp(String.raw`^\s*['"]?\s*(?:\|\|?|;|&&?|\n)\s*${BIN}${CMDS}(?:\.exe)?\b`), 'a value that starts with a shell separator and a command'),
  rule('command', 'separator-word', 0.45, 'text', new RegExp(String.raw`${SEP}\s*${BIN}${CMDS}(?:\.exe)?\s`), 'a shell separator, then a command name'),
  rule('command', 'subshell', 0.9, 'text', new RegExp(String.raw`\`\s*${BIN}${CMDS}\b[^\`]*\`|\$\(\s*${BIN}${CMDS}\b`), 'a command in backticks or $( )'),
  rule('command', 'shell-path', 0.8, 'text',
    // after a separator only: a value that is itself a binary path is an exec API's argument (Docker's Cmd), not a breakout
    /[;|&`(\n]\s*\/(?:usr\/(?:local\/)?)?s?bin\/(?:ba|z|k|c|da)?sh\b|[;|&`(\n]\s*\/(?:usr\/)?bin\/(?:id|cat|ls|nc|wget|curl|sleep|python[23]?|perl|whoami|uname)\b|\bcmd(?:\.exe)?\s+\/[ck]\b|\bpowershell(?:\.exe)?\s+-|\bping(?:\.exe)?\s+-[nc]\s+\d/,
    'a shell or system binary invoked after a separator'),
  rule('command', 'code-exec-call', 0.8, 'text', /(?<![\w.])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(\s*['"`]|\b(?:os\.system|subprocess\.\w+|runtime\.getruntime)\s*\(/, 'a call that runs a shell command'),
  rule('command', 'command-line', 0.6, 'text', /^\s*(?:ping|nslookup|wget|curl|nc|ncat|bash|sh|cat|ls|uname|whoami|id|sleep)(?:\.exe)?\s+(?:-{1,2}[a-z]+\s+)*(?:-{1,2}[a-z]+|\/[\w.]+\/|\d+\.\d+\.\d+\.\d+)/, 'a value that is a command line'),
  rule('command', 'windows-dir', 0.75, 'text', /(?:^|[\s;|&])dir\s+[a-z]:(?:[/\\]|$|\s|\|)/, 'a Windows dir of a drive'),
  rule('command', 'ifs', 0.9, 'text', /\$\{ifs\}|\$ifs\b/, '$IFS as a space'),
  rule('command', 'server-side-include', 0.9, 'text', /<!--\s*#\s*(?:exec|include|echo|config)\b/, 'a server-side include'),
  rule('command', 'shell-redirect', 0.85, 'text', /\/dev\/(?:tcp|udp)\/|>\s*\/dev\/null\b|\bbash\s+-i\b|\bmkfifo\b|\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*[\w.]+\s+\d{2,5}\b/, 'a shell redirect or reverse shell'),
];

const TRAVERSAL: Rule[] = [
  rule('traversal', 'dot-dot-deep', 0.8, 'path', /(?:\.{2,}\/+){3,}|(?:\/\.{2,}){3,}/, '../ three times or more'),
  rule('traversal', 'dot-dot-run', 0.5, 'path', /(?:\.{2,}\/+){2,}|(?:\/\.{2,}){2,}/, 'repeated ../'),
  rule('traversal', 'dot-dot', 0.45, 'path', /(?:^|\/)\.{2,}\/|\.\.;\//, 'a ../'),
  rule('traversal', 'sensitive-file', 0.7, 'path',
    /\/etc\/(?:passwd|shadow|group|hosts|issue|hostname|sudoers|crontab)\b|\/proc\/(?:self|\d+)\/(?:environ|cmdline|maps|fd|status|mem)|(?:^|\/)(?:windows|winnt)\/(?:win\.ini|system32|system\.ini)|\bboot\.ini\b|\bweb-inf\b|\.ht(?:access|passwd)\b|(?:^|\/)\.env\b|\/\.ssh\/|\bid_rsa\b|\/\.git\/|\/var\/log\/|\/etc\/nginx\/|\bwp-config\.php\b/,
    'a sensitive system file'),
  // eslint-disable-next-line no-control-regex -- a NUL byte cuts a path short (file.php%00.png)
  rule('traversal', 'null-byte', 0.5, 'text', /\x00/, 'a NUL byte'),
  rule('traversal', 'windows-root', 0.45, 'path', /^[a-z]:\/(?:windows|winnt|boot|inetpub|users)\b/, 'an absolute Windows system path'),
];

const TEMPLATE: Rule[] = [
  rule('template', 'mustache-expression', 0.85, 'text',
    /\{\{[^}]{0,200}?(?:[*+/%-]\s*\d|\d\s*[*+/%]|__\w+__|\bconfig\b|\bself\b|\brequest\b|\blipsum\b|\bcycler\b|\bjoiner\b|\bnamespace\b|\bconstructor\b|\bprocess\b|\(|\|\s*attr\b)[^}]{0,200}?\}\}/,
    'an expression in {{ }}'),
  rule('template', 'mustache', 0.3, 'text', /\{\{\s*[\w.]+\s*\}\}/, 'a {{ }} placeholder'),
  rule('template', 'lookup-expression', 0.95, 'text', /\$\{\s*(?:jndi|env|sys|lower|upper|date|java|main|ctx|k8s|docker|bundle|script|spring|base64):/, 'a ${jndi:…}-style lookup'),
  rule('template', 'dollar-expression', 0.9, 'text',
    /\$\{[^}]{0,200}?(?:\d\s*[*+/%-]\s*\d|\bt\s*\(|java\.|runtime|getclass|\bclass\b|\bnew\s|\.exec\s*\()[^}]{0,200}?\}/,
    'an expression in ${ }'),
  rule('template', 'dollar', 0.3, 'text', /\$\{[\w.]{1,40}\}/, 'a ${ } placeholder'),
  rule('template', 'erb-expression', 0.85, 'text', /<%=?[^%]{0,200}?(?:\d\s*[*+]\s*\d|system|exec|`|eval|file\.|io\.|runtime|class)[^%]{0,200}?%>/, 'an expression in <% %>'),
  rule('template', 'erb', 0.5, 'text', /<%=?[^%]{0,200}%>/, 'a <% %> block'),
  rule('template', 'hash-expression', 0.8, 'text', /#\{[^}]{0,200}?(?:\d\s*[*+/%-]\s*\d|system|exec|`|%x|runtime|class|\()[^}]{0,200}?\}/, 'an expression in #{ }'),
  rule('template', 'jinja-statement', 0.6, 'text', /\{%-?\s*(?:import|include|extends|set|for|if|raw|debug|macro|call|from)\b/, 'a {% %} statement'),
  rule('template', 'python-dunder', 0.85, 'text', /__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|dict|getattribute)__/, 'Python object internals (__class__ …)'),
  rule('template', 'freemarker', 0.9, 'text', /<#assign\b|freemarker\.template|\?new\s*\(\s*\)/, 'a FreeMarker directive'),
];

export const NOSQL_OPERATORS = new Set([
  '$ne', '$eq', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex', '$where', '$exists', '$or', '$and', '$not', '$nor',
  '$expr', '$elemmatch', '$size', '$type', '$all', '$mod', '$text', '$function', '$accumulator',
]);

const NOSQL: Rule[] = [
  rule('nosql', 'operator-text', 0.85, 'text', /[{,]\s*['"]?\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|or|and|not|nor|expr|elemmatch|function)['"]?\s*:/, 'a MongoDB operator object'),
  rule('nosql', 'javascript', 0.75, 'text',
    /\$where\b|\bthis\.\w+\s*(?:==|!=|>|<)|['"]\s*;\s*(?:return|sleep|while)\b|\|\|\s*['"]?1['"]?\s*==\s*['"]?1|\bdb\.\w+\.(?:find|drop|insert|remove)\s*\(|\bsleep\s*\(\s*\d{3,}\s*\)/,
    'server-side JavaScript for the database'),
];

/** Every rule that runs on a value (SSRF is scored by injection-ssrf.ts). */
export const VALUE_RULES: readonly Rule[] = [...SQLI, ...XSS, ...COMMAND, ...TRAVERSAL, ...TEMPLATE, ...NOSQL];

/** An operator in a parameter name: `status[$ne]=x` (PHP/Express bracket syntax). */
export const NAME_OPERATOR_RULE = rule('nosql', 'operator-name', 0.9, 'text',
  /\[\s*\$(?:ne|eq|gt|gte|lt|lte|in|nin|regex|where|exists|or|and|not|nor|expr|elemmatch|size|type|all|mod|text|function)\s*\]/, 'a MongoDB operator in a parameter name');

/** A JSON body key that is a MongoDB operator (`{"password": {"$ne": null}}`). */
export const KEY_OPERATOR_RULE = rule('nosql', 'operator-key', 0.9, 'text', /^\$/, 'a MongoDB operator as a JSON key');

/** Rules at least this strong add to a class's score when another rule is the strongest. */
const CORROBORATING_WEIGHT = 0.5;

/**
 * A class's score from the weights of its rules that matched: the strongest, plus 0.1 for each other
 * rule of some weight (two weak shapes, such as one `../` and a bare tag, stay weak together).
 */
export function classScore(weights: readonly number[]): number {
  let max = 0;
  let at = -1;
  weights.forEach((w, i) => {
    if (w > max) {
      max = w;
      at = i;
    }
  });
  let more = 0;
  weights.forEach((w, i) => {
    if (i !== at && w >= CORROBORATING_WEIGHT) more++;
  });
  return Math.min(1, max + 0.1 * more);
}
