/**
 * Feeds for integrators and feed readers (public alerts only, nothing about subscribers):
 *   GET /feeds/alerts.atom     Atom, newest 50 published alerts (?lang=es|zh|vi)
 *   GET /feeds/alerts.json     JSON Feed 1.1, the same
 *   GET /feeds/cap.xml         CAP 1.2: an Atom index of the live alerts, drills included as
 *                              status Exercise, each entry carrying its CAP <alert>
 *   GET /feeds/cap/<id>.xml    one alert as a CAP 1.2 document
 * Cached briefly by anyone (a minute), and readable from other origins' scripts.
 */
import { type Context, Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { atomFeed, jsonFeed } from "../feeds/atom.ts";
import { capDocument, capIndex } from "../feeds/cap.ts";
import { DEFAULT_LANGUAGE, isLanguage } from "../i18n/languages.ts";
import {
  findPublicAlert,
  listActiveAlerts,
  listRecentAlerts,
  type PublicAlert,
} from "../services/public/public-alerts.ts";

const FEED_SIZE = 50;

function feedHeaders(c: Context<AppEnv>, type: string) {
  c.header("Content-Type", type);
  c.header("Cache-Control", "public, max-age=60");
  c.header("Access-Control-Allow-Origin", "*");
  c.header("Cross-Origin-Resource-Policy", "cross-origin");
}

function feedContext(c: Context<AppEnv>) {
  const { config, clock } = c.get("ctx");
  const lang = c.req.query("lang");
  return {
    publicUrl: config.publicUrl,
    title: config.program.name,
    hotline: config.program.hotline,
    language: isLanguage(lang) ? lang : DEFAULT_LANGUAGE,
    now: clock.now(),
  };
}

async function withOriginals(c: Context<AppEnv>, alerts: PublicAlert[]) {
  const ctx = c.get("ctx");
  return Promise.all(
    alerts.map(async (alert) => ({
      alert,
      original: alert.referencesAlertId
        ? ((await findPublicAlert({ ctx, input: { id: alert.referencesAlertId } }))?.alert ?? null)
        : null,
    })),
  );
}

export const feedRoutes = new Hono<AppEnv>()
  .get("/alerts.atom", async (c) => {
    const alerts = await listRecentAlerts({ ctx: c.get("ctx"), input: { limit: FEED_SIZE, drills: false } });
    feedHeaders(c, "application/atom+xml; charset=utf-8");
    return c.body(atomFeed(alerts, feedContext(c)));
  })
  .get("/alerts.json", async (c) => {
    const alerts = await listRecentAlerts({ ctx: c.get("ctx"), input: { limit: FEED_SIZE, drills: false } });
    feedHeaders(c, "application/feed+json; charset=utf-8");
    return c.body(JSON.stringify(jsonFeed(alerts, feedContext(c))));
  })
  .get("/cap.xml", async (c) => {
    const ctx = c.get("ctx");
    const now = ctx.clock.now();
    const live = await listActiveAlerts({ ctx, input: { now, limit: FEED_SIZE, drills: true } });
    feedHeaders(c, "application/atom+xml; charset=utf-8");
    return c.body(capIndex(await withOriginals(c, live), feedContext(c)));
  })
  .get("/cap/:file{[0-9a-fA-F-]{36}\\.xml}", async (c) => {
    const id = c.req.param("file").slice(0, -4);
    const found = await findPublicAlert({ ctx: c.get("ctx"), input: { id } });
    if (!found) return c.notFound();
    feedHeaders(c, "application/cap+xml; charset=utf-8");
    return c.body(capDocument(found.alert, found.original, feedContext(c)));
  });
