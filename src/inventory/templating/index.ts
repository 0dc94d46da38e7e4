// Path templating for the API inventory: see ./README.md.
export { PathTemplater } from './templater';
export { type TemplaterCounters } from './templater-core';
export { evidenceDistance, jaccardDistance, observationFits } from './evidence';
export { renderKeys, templateToKeys } from './tree';
export { classifySegment, classifyValue, decodeSegment, encodeLiteral, normalizeHost, splitPath } from './classify';
export { extractGraphqlOperations, type GraphqlOperation } from './graphql';
export { junkKind } from './junk';
export * from './types';
