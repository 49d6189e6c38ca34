/**
 * A request that is well-formed but wrong about the world (an unknown ZIP, an expiry in the past,
 * a language the alert lacks): the same `validation_failed` envelope as a schema error, with the
 * field and the reason.
 */
import { ApiError } from "./errors.ts";

export type ValidationIssue = { in: "path" | "query" | "body"; path: string; message: string };

export function invalid(path: string, message: string): ApiError {
  const issue: ValidationIssue = { in: "body", path, message };
  return new ApiError("validation_failed", `${path}: ${message}`, { issues: [issue] });
}
