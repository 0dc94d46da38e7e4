// Path templating for the API inventory: see ./README.md.
export { PathTemplater, type TemplaterCounters, evidenceDistance, jaccardDistance, observationFits, renderKeys, templateToKeys } from './templater';
export { classifySegment, classifyValue, decodeSegment, encodeLiteral, normalizeHost, splitPath } from './classify';
export { extractGraphqlOperations, type GraphqlOperation } from './graphql';
export { junkKind } from './junk';
export * from './types';
