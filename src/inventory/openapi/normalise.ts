// One parsed document into the normalised model: which spec version it is, its title and version,
// then every path × method as a `SpecOperation` with the servers and security that apply to it
// (operation over path item over document). The parts each version spells differently are read by
// servers.ts, security.ts and operation-fields.ts.
import path from 'node:path';
import { body3, params2, params3, responses2, responses3 } from './operation-fields';
import { isObject, pointerOf, RefResolver, SpecError, strList, type ResolverOptions } from './refs';
import { resolveSecurity, schemes2, schemes3 } from './security';
import { servers2, servers3 } from './servers';
import { HTTP_METHODS, type HttpMethod, type ImportedSpec, type SpecOperation } from './types';

export interface ImportOptions extends ResolverOptions {
  /** Overrides the version-grouping key (default: `info.title`). */
  apiId?: string;
  /** Index stored in each operation's `specIndex` (the loaders number specs in load order). */
  specIndex?: number;
}

/** Normalises a parsed document; throws `SpecError` (or, on a malformed value, any error) on what it cannot read. */
export function normaliseSpec(doc: unknown, file: string, opts: ImportOptions): ImportedSpec {
  if (!isObject(doc)) throw new SpecError(file, '', 'document is not an object');
  const swagger = doc['swagger'];
  const openapi = doc['openapi'];
  let family: ImportedSpec['family'];
  let specVersion: string;
  if (typeof openapi === 'string' && /^3\.[0-2](\.\d+)?/.test(openapi)) {
    family = 'openapi3';
    specVersion = openapi;
  } else if (swagger === '2.0' || swagger === 2) {
    family = 'swagger2';
    specVersion = '2.0';
  } else {
    const seen = openapi ?? swagger;
    throw new SpecError(file, openapi !== undefined ? '/openapi' : '/swagger', seen === undefined ? 'neither `openapi` nor `swagger` field' : `unsupported version ${String(seen)}`);
  }
  const info = isObject(doc['info']) ? doc['info'] : {};
  const title = typeof info['title'] === 'string' ? info['title'] : path.basename(file);
  const version = typeof info['version'] === 'string' || typeof info['version'] === 'number' ? String(info['version']) : '';
  const resolver = new RefResolver(doc, file, opts);
  const specIndex = opts.specIndex ?? 0;

  const securitySchemes = family === 'openapi3' ? schemes3(doc, resolver) : schemes2(doc);
  const docServers = family === 'openapi3' ? servers3(doc['servers'], file, '/servers') : servers2(doc);
  const globalSecurity = doc['security'];

  const paths = doc['paths'];
  if (paths !== undefined && !isObject(paths)) throw new SpecError(file, '/paths', '`paths` is not an object');
  const operations: SpecOperation[] = [];
  for (const [p, rawItem] of Object.entries(paths ?? {})) {
    if (!p.startsWith('/')) {
      if (p.startsWith('x-')) continue;
      throw new SpecError(file, pointerOf('paths', p), `path "${p}" does not start with "/"`);
    }
    const itemPtr = pointerOf('paths', p);
    const { value: item, pointer: itemBase } = resolver.deref(rawItem, itemPtr);
    if (!isObject(item)) throw new SpecError(file, itemPtr, 'path item is not an object');
    const itemServers = family === 'openapi3' && item['servers'] !== undefined ? servers3(item['servers'], file, `${itemBase}/servers`) : undefined;
    const itemParams = item['parameters'];
    for (const m of HTTP_METHODS) {
      const rawOp = item[m];
      if (rawOp === undefined) continue;
      const opPtr = `${itemBase}/${m}`;
      if (!isObject(rawOp)) throw new SpecError(file, opPtr, 'operation is not an object');
      const opServers = family === 'openapi3' && rawOp['servers'] !== undefined ? servers3(rawOp['servers'], file, `${opPtr}/servers`) : undefined;
      const common = {
        method: m.toUpperCase() as HttpMethod,
        path: p,
        deprecated: rawOp['deprecated'] === true,
        security: resolveSecurity(rawOp['security'] ?? globalSecurity, securitySchemes, resolver.warnings, opPtr),
        servers: opServers ?? itemServers ?? docServers,
        pointer: opPtr,
        specIndex,
        ...(typeof rawOp['operationId'] === 'string' ? { operationId: rawOp['operationId'] } : {}),
        ...(typeof rawOp['summary'] === 'string' ? { summary: rawOp['summary'] } : {}),
      };
      if (family === 'openapi3') {
        operations.push({
          ...common,
          parameters: params3(itemParams, `${itemBase}/parameters`, rawOp['parameters'], `${opPtr}/parameters`, resolver),
          ...body3(rawOp['requestBody'], `${opPtr}/requestBody`, resolver),
          responses: responses3(rawOp['responses'], `${opPtr}/responses`, resolver),
        });
      } else {
        const consumes = strList(rawOp['consumes'] ?? doc['consumes'], ['application/json']);
        const produces = strList(rawOp['produces'] ?? doc['produces'], ['application/json']);
        const { parameters, requestBody } = params2(itemParams, `${itemBase}/parameters`, rawOp['parameters'], `${opPtr}/parameters`, consumes, resolver);
        operations.push({
          ...common,
          parameters,
          ...(requestBody ? { requestBody } : {}),
          responses: responses2(rawOp['responses'], `${opPtr}/responses`, produces, resolver),
        });
      }
    }
  }
  return {
    file,
    specVersion,
    family,
    title,
    version,
    apiId: opts.apiId ?? title,
    servers: docServers,
    securitySchemes,
    operations,
    warnings: resolver.warnings.map((w) => ({ file, ...w })),
  };
}
