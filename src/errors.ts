/**
 * The errors the domain raises: a stable code that clients and tests match on, a message for
 * people that never carries an address, and details (a refused field's path and reason). Services
 * throw these without knowing who asked; src/http/errors.ts is the one place a code becomes an
 * HTTP status.
 */

export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "enrolment_required"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal_error"
  | "database_unavailable";

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
  }
}

export type ValidationIssue = { in: "path" | "query" | "body"; path: string; message: string };

/**
 * A request that is well-formed but wrong about the world (an unknown ZIP, an expiry in the past,
 * a language the alert lacks): the same `validation_failed` as a schema error, with the field and
 * the reason.
 */
export function invalid(path: string, message: string): ApiError {
  const issue: ValidationIssue = { in: "body", path, message };
  return new ApiError("validation_failed", `${path}: ${message}`, { issues: [issue] });
}
