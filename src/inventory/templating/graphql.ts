// GraphQL: `POST /graphql` stays one endpoint; the operation names are recorded beside it.
export interface GraphqlOperation {
  type: 'query' | 'mutation' | 'subscription';
  /** Operation name, or null for an anonymous operation (`{ me { id } }`). */
  name: string | null;
}

const OP_RE = /(?:^|[\s{}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/;
const MAX_OPS = 32;

function fromQuery(query: string, operationName: unknown): GraphqlOperation | null {
  const q = query.replace(/#[^\n]*/g, '');
  const m = OP_RE.exec(q);
  const type = (m?.[1] ?? 'query') as GraphqlOperation['type'];
  if (typeof operationName === 'string' && operationName !== '') return { type, name: operationName };
  if (m) return { type, name: m[2] ?? null };
  return /^\s*\{/.test(q) ? { type: 'query', name: null } : null;
}

function fromObject(o: unknown): GraphqlOperation | null {
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.query === 'string') return fromQuery(r.query, r.operationName);
  if (typeof r.operationName === 'string' && r.operationName !== '') return { type: 'query', name: r.operationName };
  return null;
}

/**
 * Operation names from a GraphQL request body (JSON object or batched array). Prefers `operationName`,
 * else the first `query` / `mutation` / `subscription` name in `query`. A truncated body (the captured
 * prefix is bounded) falls back to a regex scan. Persisted queries without a `query` text report
 * `operationName` only. Returns [] when nothing looks like GraphQL.
 */
export function extractGraphqlOperations(body: string | Uint8Array): GraphqlOperation[] {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const out: GraphqlOperation[] = [];
  if (Array.isArray(parsed)) {
    for (const item of parsed.slice(0, MAX_OPS)) {
      const op = fromObject(item);
      if (op) out.push(op);
    }
    return out;
  }
  if (parsed !== undefined) {
    const op = fromObject(parsed);
    return op ? [op] : [];
  }
  // Truncated or not JSON: application/graphql bodies are the bare query text.
  const named = /"operationName"\s*:\s*"([^"\\]{1,200})"/.exec(text);
  const q = /"query"\s*:\s*"((?:[^"\\]|\\.){0,4000})/.exec(text);
  if (q) {
    const op = fromQuery((q[1] as string).replace(/\\n/g, '\n'), named?.[1]);
    if (op) return [op];
  }
  if (named) return [{ type: 'query', name: named[1] as string }];
  const bare = fromQuery(text, undefined);
  return bare ? [bare] : [];
}
