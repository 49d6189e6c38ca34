/**
 * A multipart body that cannot be parsed (a broken boundary, a truncated part) makes Hono's
 * parseBody throw, and every form handler would answer 500. This reads it once, up front: a bad
 * one is answered 400 in the error envelope before any handler runs; a good one is cached by Hono,
 * so handlers read it again for free. URL-encoded bodies always parse and are left alone.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { errorBody } from "./errors.ts";

export const unreadableForms: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (c.req.method === "GET" || c.req.method === "HEAD" || !/^multipart\/form-data\b/i.test(type))
    return next();
  try {
    await c.req.parseBody();
  } catch {
    return c.json(errorBody("bad_request", "The form body could not be read", c.get("requestId")), 400);
  }
  return next();
};
