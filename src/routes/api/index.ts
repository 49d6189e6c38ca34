/**
 * The operator API under /api/v1: every route module's routes, mounted with authentication,
 * authorization and validation (src/http/api-route.ts), plus the OpenAPI document and its
 * rendered reference page.
 */
import { Hono } from "hono";
import { type ApiEnv, type ApiRoute, mountRoutes } from "../../http/api-route.ts";
import { openApiDocument } from "../../http/openapi.ts";
import { apiReferencePage } from "../../pages/api-reference.ts";
import { alertRoutes } from "./alerts.ts";
import { auditRoutes } from "./audit.ts";
import { authRoutes } from "./auth.ts";
import { pushSubscriptionRoutes } from "./push-subscriptions.ts";
import { responderRoutes } from "./responders.ts";
import { sightingRoutes } from "./sightings.ts";
import { userRoutes } from "./users.ts";

export const API_VERSION = "1.0.0";

/** Every operator API route, in the order the reference lists them. */
export const API_ROUTES: ApiRoute[] = [
  ...authRoutes,
  ...userRoutes,
  ...sightingRoutes,
  ...responderRoutes,
  ...alertRoutes,
  ...auditRoutes,
  ...pushSubscriptionRoutes,
];

export const apiRoutes = new Hono<ApiEnv>();
apiRoutes.use(async (c, next) => {
  await next();
  c.header("Cache-Control", c.res.headers.get("Cache-Control") ?? "no-store");
});
apiRoutes.get("/openapi.json", (c) =>
  c.json(openApiDocument(API_ROUTES, { serverUrl: c.get("ctx").config.publicUrl, version: API_VERSION })),
);
apiRoutes.get("/docs", (c) => {
  const { config } = c.get("ctx");
  return c.html(
    apiReferencePage(
      openApiDocument(API_ROUTES, { serverUrl: config.publicUrl, version: API_VERSION }),
      config.localMode,
    ),
  );
});
mountRoutes(apiRoutes, API_ROUTES);
