// Puts an API problem onto a react-hook-form form: each errors[] entry ("body.email") under its
// field, and the problem's detail as the form-level message.
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { toApiProblem } from "../api/problem";

const FORM_ERROR = "root.server";

export function applyProblemToForm<T extends FieldValues>(error: unknown, fields: readonly Path<T>[], setError: UseFormSetError<T>): void {
  const problem = toApiProblem(error);
  let focused = false;
  for (const entry of problem.errors) {
    const name = entry.path.replace(/^body\./, "") as Path<T>;
    if (!fields.includes(name)) continue;
    setError(name, { type: "server", message: entry.message }, { shouldFocus: !focused });
    focused = true;
  }
  setError(FORM_ERROR as Path<T>, { type: "server", message: problem.detail });
}
