/**
 * What the console's handlers share: the signed-in person (set by the console's middleware), the
 * view for the page shell, reading a form, turning a service's refusal or a schema's issues into
 * errors next to fields.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { z } from "zod";
import { type Actor, authorize, type Permission } from "../../auth/permissions.ts";
import type { AppEnv } from "../../context.ts";
import type { ValidationIssue } from "../../errors.ts";
import { ApiError } from "../../errors.ts";
import { type ConsoleView, consolePage, type FieldErrors } from "../../pages/console/chrome.ts";

export type ConsoleEnv = { Variables: AppEnv["Variables"] & { actor: Actor; csrf: string } };
export type ConsoleContext = Context<ConsoleEnv>;

export function view(c: ConsoleContext): ConsoleView {
  return { actor: c.get("actor"), csrf: c.get("csrf"), localMode: c.get("ctx").config.localMode };
}

export type Form = Record<string, string | string[]>;

export async function readForm(c: Context): Promise<Form> {
  const body = await c.req.parseBody({ all: true });
  const form: Form = {};
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) form[key] = value.filter((v): v is string => typeof v === "string");
    else if (typeof value === "string") form[key] = value;
  }
  return form;
}

export function text(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? "") : (value ?? "")).trim();
}

export function list(form: Form, name: string): string[] {
  const value = form[name];
  return Array.isArray(value) ? value : value ? [value] : [];
}

export const optional = (value: string) => (value === "" ? undefined : value);

/** A service's refusal as errors for the page: validation issues by field, anything else for the form. */
export function errorsFrom(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) throw error;
  const issues = (error.details as { issues?: ValidationIssue[] } | undefined)?.issues;
  if (error.code === "validation_failed" && issues && issues.length > 0) {
    return Object.fromEntries(issues.map((issue) => [issue.path || "form", issue.message]));
  }
  return { form: error.message };
}

export type PageStatus = 200 | 400 | 403 | 404 | 409 | 429;

/** The status of a page that shows a service's refusal: what the API would answer for it. */
export function statusOf(error: unknown): PageStatus {
  if (!(error instanceof ApiError)) return 409;
  if (error.code === "not_found") return 404;
  if (error.code === "forbidden") return 403;
  if (error.code === "validation_failed") return 400;
  if (error.code === "rate_limited") return 429;
  return 409;
}

/** A zod schema's verdict on a form, as field errors (paths joined with dots) or the value. */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; value: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join(".") || "form";
    errors[path] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The person's role must hold `permission` (src/auth/permissions.ts); else a 403 page. */
export function denied(c: ConsoleContext, permission: Permission): Response | undefined {
  const decision = authorize(c.get("actor"), permission);
  if (decision.ok) return undefined;
  c.status(403);
  return c.html(
    consolePage(view(c), "Not allowed", html`<h1>Not allowed</h1><p role="alert">${decision.reason}.</p>`),
    403,
  ) as unknown as Response;
}
