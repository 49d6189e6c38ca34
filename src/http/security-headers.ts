/**
 * Headers every response carries. The Content-Security-Policy allows scripts, styles, images and
 * connections from our own origin only: no inline script or style (the layout links web/styles.css,
 * the few scripts are files in web/), no framing by anyone (`frame-ancestors 'none'`, clickjacking),
 * forms posting only to us. `Referrer-Policy: no-referrer`: a resident who follows a link from an
 * alert page to a know-your-rights site should not tell that site where they came from. HSTS for a
 * year when PUBLIC_URL is https. A route that set one of these itself keeps its own.
 */
import type { MiddlewareHandler } from "hono";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const HSTS = "max-age=31536000; includeSubDomains";

export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  const headers: [string, string][] = [
    ["Content-Security-Policy", CONTENT_SECURITY_POLICY],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "no-referrer"],
    ["X-Frame-Options", "DENY"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
    ...(options.https ? ([["Strict-Transport-Security", HSTS]] as [string, string][]) : []),
  ];
  return async (c, next) => {
    await next();
    for (const [name, value] of headers) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  };
}
