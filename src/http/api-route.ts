/**
 * The operator API's routes are data: method, path, permission, zod schemas for params, query,
 * body and responses, and a handler. From that one list come the Hono handlers (authenticate,
 * authorize, validate, then the handler), the OpenAPI 3.1 document (src/http/openapi.ts) and the
 * role-matrix test, so the three cannot drift apart.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { type Actor, authorize, type Permission } from "../auth/permissions.ts";
import type { AppEnv } from "../context.ts";
import type { ValidationIssue } from "../errors.ts";
import { ApiError } from "../errors.ts";
import { resolveActor } from "./authenticate.ts";

export type ApiEnv = { Variables: AppEnv["Variables"] & { actor?: Actor } };
export type ApiContext = Context<ApiEnv>;

type Method = "get" | "post" | "patch" | "delete";
type Schema = z.ZodType;
type Obj = z.ZodObject;
const EMPTY = z.object({});

/** `contentType`: application/json unless said (a stream of server-sent events is text/event-stream). */
export type ResponseSpec = { description: string; schema?: Schema; contentType?: string };

type Input<P extends Obj, Q extends Obj, B extends Schema> = {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
};

type Common<P extends Obj, Q extends Obj, B extends Schema> = {
  method: Method;
  /** Relative to /api/v1, in Hono's syntax: "/sightings/:id". */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Open to a person who must set up a second factor before anything else (TOTP_REQUIRED_ROLES). */
  enrolment?: boolean;
  /** The success responses; the error envelope's are added for every route. */
  responses: Record<number, ResponseSpec>;
};

export type ProtectedRoute<P extends Obj, Q extends Obj, B extends Schema> = Common<P, Q, B> & {
  permission: Permission;
  handler: (c: ApiContext, input: Input<P, Q, B> & { actor: Actor }) => Response | Promise<Response>;
};

export type PublicRoute<P extends Obj, Q extends Obj, B extends Schema> = Common<P, Q, B> & {
  permission: "public";
  handler: (c: ApiContext, input: Input<P, Q, B>) => Response | Promise<Response>;
};

/** A route with its types erased, as the mounter, the OpenAPI writer and the tests see it. */
export type ApiRoute = Omit<Common<Obj, Obj, Schema>, "handler"> & {
  permission: Permission | "public";
  run: (c: ApiContext, input: Input<Obj, Obj, Schema> & { actor?: Actor }) => Response | Promise<Response>;
};

export function route<
  P extends Obj = typeof EMPTY,
  Q extends Obj = typeof EMPTY,
  B extends Schema = z.ZodUndefined,
>(spec: ProtectedRoute<P, Q, B> | PublicRoute<P, Q, B>): ApiRoute {
  const { handler, ...rest } = spec;
  return {
    ...rest,
    run: (c, input) => {
      const typed = input as Input<P, Q, B> & { actor?: Actor };
      if (spec.permission === "public") return (handler as PublicRoute<P, Q, B>["handler"])(c, typed);
      if (!typed.actor) throw new ApiError("unauthorized", "Sign in first");
      return (handler as ProtectedRoute<P, Q, B>["handler"])(c, { ...typed, actor: typed.actor });
    },
  } as ApiRoute;
}

export function mountRoutes(app: Hono<ApiEnv>, routes: ApiRoute[]): void {
  for (const spec of routes) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      let actor: Actor | undefined;
      if (spec.permission !== "public") {
        actor = (await resolveActor(c, { enrolment: spec.enrolment })) ?? undefined;
        if (!actor)
          throw new ApiError("unauthorized", "Sign in, or send an API key as Authorization: Bearer");
        const decision = authorize(actor, spec.permission);
        if (!decision.ok) throw new ApiError("forbidden", decision.reason);
        c.set("actor", actor);
      }
      const params = parse("path", spec.params ?? EMPTY, c.req.param());
      const query = parse("query", spec.query ?? EMPTY, c.req.query());
      const body = spec.body ? parse("body", spec.body, await readBody(c, spec.body)) : undefined;
      return spec.run(c, { params, query, body, actor });
    });
  }
}

/** A body schema that accepts `undefined` makes the body optional: a request may send none. */
export function bodyIsOptional(schema: Schema): boolean {
  return schema.safeParse(undefined).success;
}

async function readBody(c: ApiContext, schema: Schema): Promise<unknown> {
  const sent =
    c.req.header("content-type") !== undefined ||
    c.req.header("transfer-encoding") !== undefined ||
    (c.req.header("content-length") ?? "0") !== "0";
  if (!sent && bodyIsOptional(schema)) return undefined;
  return readJson(c);
}

async function readJson(c: ApiContext): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the body as application/json");
  }
  try {
    return await c.req.json();
  } catch {
    throw new ApiError("validation_failed", "The body is not valid JSON", { issues: [] });
  }
}

function parse<T extends Schema>(where: ValidationIssue["in"], schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    in: where,
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path || where}: ${first.message}` : "invalid";
  throw new ApiError("validation_failed", `Invalid ${where}: ${summary}`, { issues });
}
