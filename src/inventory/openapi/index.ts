// OpenAPI part of the API inventory: import (3.0 / 3.1 / Swagger 2.0), matching, diff, export.
export * from './types';
export { SpecError } from './refs';
export { importSpec, loadSpecFile, loadSpecFolder, parseSpecText, type FolderLoad, type ImportOptions } from './import';
export { SpecMatcher, DEFAULT_VERSION_PREFIXES, DEFAULT_WILDCARD_HOSTS, hostMatches, type MatchOptions, type RankedMatch } from './match';
export { diffInventory, SpecDiffer, STANDARD_HEADERS, type DiffOptions } from './diff';
export { exportOpenApi, templateToPath, shapeToSchema, type ExportOptions, type OpenApiDocument } from './export';
export { aggregateRequests, scalarType, type ObservedRequest } from './observed';
export { specTemplateEntries, type SpecTemplateEntry } from './templates';
