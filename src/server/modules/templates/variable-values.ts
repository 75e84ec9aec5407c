// Validates an assistant's variable values against its template's variable definitions, with a
// precise error per field. IMPLEMENTATION PENDING (contract only).
import type { FieldError } from "../../errors.js";
import type { VariableDefinition, VariableValues } from "./types.js";

export type VariableValidation = { ok: true; values: VariableValues } | { ok: false; errors: FieldError[] };

/** Error paths are prefixed with `pathPrefix` (e.g. "body.variables"), then the key and any index: "body.variables.menu.3.priceCents". */
export function validateVariableValues(definitions: VariableDefinition[], values: unknown, pathPrefix = "body.variables"): VariableValidation {
  void definitions;
  void values;
  void pathPrefix;
  throw new Error("not implemented");
}
