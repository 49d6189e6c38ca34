/**
 * The OpenAPI 3.1 document, written from the route list (src/http/api-route.ts): every path,
 * its permission and roles, its parameters and bodies as JSON Schema (zod 4's toJSONSchema, draft
 * 2020-12, which OpenAPI 3.1 uses), and the error envelope every route may answer with.
 */
import { z } from "zod";
import { PERMISSIONS } from "../auth/permissions.ts";
import { type ApiRoute, bodyIsOptional } from "./api-route.ts";

type JsonSchema = Record<string, unknown>;

const ErrorEnvelope = z.object({
  error: z.object({
    code: z
      .string()
      .describe("Stable: validation_failed, unauthorized, forbidden, not_found, conflict, rate_limited, …"),
    message: z.string(),
    requestId: z.string(),
    details: z
      .object({
        issues: z.array(
          z.object({ in: z.enum(["path", "query", "body"]), path: z.string(), message: z.string() }),
        ),
      })
      .partial()
      .passthrough()
      .optional(),
  }),
});

function schema(value: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(value, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ERRORS: Record<number, string> = {
  400: "Invalid input (`validation_failed`, with the fields and reasons in `details.issues`)",
  401: "Not signed in",
  403: "Not allowed for this caller",
  404: "No such object",
  409: "Not in a state that allows it (e.g. not approved, changed since preview)",
  415: "The body is not application/json",
  429: "Too many attempts",
};

export function openApiDocument(routes: ApiRoute[], info: { serverUrl: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
    const parameters = [...objectParameters(r.params, "path"), ...objectParameters(r.query, "query")];
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = spec.schema
        ? {
            description: spec.description,
            content: { [spec.contentType ?? "application/json"]: { schema: schema(spec.schema, "output") } },
          }
        : { description: spec.description };
    }
    for (const [status, description] of Object.entries(ERRORS)) {
      responses[status] ??= {
        description,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const rule = r.permission === "public" ? null : PERMISSIONS[r.permission];
    const roles = rule
      ? ` Roles: ${rule.roles.join(", ")}${"personOnly" in rule && rule.personOnly ? " (signed-in people only, not API keys)" : ""}.`
      : "";
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: `${r.method}${r.path.replace(/[/:]+([a-z])/gi, (_, c: string) => c.toUpperCase())}`,
      tags: [r.tag],
      summary: r.summary,
      description: `${r.description ?? ""}${roles}`.trim(),
      "x-permission": r.permission,
      "x-roles": rule ? [...rule.roles] : [],
      ...(r.permission === "public" ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: !bodyIsOptional(r.body),
              content: { "application/json": { schema: schema(r.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Aviso operator API",
      version: info.version,
      description:
        "Sightings, alerts and statements with a two-person rule, accounts and the audit log. Errors are `{error: {code, message, requestId}}`.",
    },
    servers: [{ url: info.serverUrl }],
    security: [{ session: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "__Host-aviso_session" },
        apiKey: { type: "http", scheme: "bearer", description: "An API key: aviso_<prefix>_<secret>" },
      },
      schemas: { Error: schema(ErrorEnvelope, "output") },
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
  };
}

function objectParameters(shape: z.ZodObject | undefined, where: "path" | "query") {
  if (!shape) return [];
  const json = schema(shape, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
