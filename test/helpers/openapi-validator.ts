// A real OpenAPI validator (@seriousme/openapi-schema-validator, ESM) for tests of exported documents.
export interface ValidationResult {
  valid: boolean;
  errors?: unknown;
}

export async function validateOpenApi(doc: Record<string, unknown>): Promise<ValidationResult> {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const v = new Validator();
  return v.validate(doc);
}
