/**
 * A honeypot for public forms: a field people never see (hidden by CSS, `tabindex="-1"`,
 * `autocomplete="off"`, `aria-hidden` on its wrapper) that scripts filling every input do fill.
 * When it holds anything, the form's handler is skipped and `respond` answers instead: with the
 * same page a real submission gets, so the script learns nothing, and nothing is stored or sent.
 *
 *   app.post("/subscribe", honeypot({ respond: (c) => c.html(sentPage(c)) }), handler)
 *
 * The body is parsed with Hono's parseBody, which caches it, so the handler can parse it again.
 * Only form bodies (urlencoded or multipart) are looked at; anything else passes through.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";

/** The field name the public forms use for their honeypot. */
export const HONEYPOT_FIELD = "website";

export function honeypot<E extends AppEnv>(options: {
  field?: string;
  respond: (c: Context<E>) => Response | Promise<Response>;
}): MiddlewareHandler<E> {
  const field = options.field ?? HONEYPOT_FIELD;
  return async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return next();
    const body = await c.req.parseBody();
    const value = body[field];
    if (value === undefined || (typeof value === "string" && value.trim() === "")) return next();
    c.get("ctx").log.info(
      { requestId: c.get("requestId"), path: c.req.path },
      "honeypot filled: form ignored",
    );
    // Set on the answer itself, so nothing `respond` calls can loosen it.
    const res = await options.respond(c);
    res.headers.set("Cache-Control", "no-store");
    return res;
  };
}
