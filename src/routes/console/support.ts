/**
 * What the console's handlers share: the signed-in person (set by the console's middleware), the
 * view for the page shell, reading a form, turning a service's refusal or a schema's issues into
 * errors next to fields, and local date-times in the program's time zone.
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

export type PageStatus = 200 | 400 | 403 | 404 | 409;

/** The status of a page that shows a service's refusal: what the API would answer for it. */
export function statusOf(error: unknown): PageStatus {
  if (!(error instanceof ApiError)) return 409;
  if (error.code === "not_found") return 404;
  if (error.code === "forbidden") return 403;
  if (error.code === "validation_failed") return 400;
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

/** "2026-11-24T13:05" on a wall clock in `timeZone` → that instant; undefined if malformed. */
export function fromLocalInput(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - at;
  };
  const first = guess - offset(guess);
  return new Date(guess - offset(first));
}

/** The instant as "2026-11-24T13:05" on a wall clock in `timeZone`, for datetime-local inputs. */
export function toLocalInput(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

export function when(at: string | Date | null, timeZone: string): string {
  if (!at) return "";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(at),
  );
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
