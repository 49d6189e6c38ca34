/**
 * One's own approval pages in the console (/console/account/paging): this browser's push
 * subscription (JSON from web/console-paging.js, CSRF in its header), one's own number (forms).
 * A person only ever changes their own: the user id is the session's, never a field.
 */
import { Hono } from "hono";
import { z } from "zod";
import { pushPublicKey } from "../../config.ts";
import { errorBody } from "../../http/errors.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { PAGING_PATH, pagingPage } from "../../pages/console/paging-page.ts";
import { APPROVERS } from "../../services/alerts/approval-rules.ts";
import {
  addPagerPhone,
  pagerPhoneStatus,
  removePagerPhone,
  verifyPagerPhone,
} from "../../services/paging/pager-phone.ts";
import { addPagerPush, countPagerPush, removePagerPush } from "../../services/paging/pager-push.ts";
import { PushSubscriptionJson } from "../api/push-subscriptions.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  errorsFrom,
  readForm,
  statusOf,
  text,
  view,
} from "./support.ts";

const PagerPushBody = z.object({ subscription: PushSubscriptionJson });

export const pagingRoutes = new Hono<ConsoleEnv>()
  .get("/account/paging", (c) => page(c, {}))
  .post("/account/paging/push", async (c) => {
    const body = PagerPushBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success)
      return c.json(errorBody("validation_failed", body.error.message, c.get("requestId")), 400);
    try {
      await addPagerPush({
        ctx: c.get("ctx"),
        input: { userId: c.get("actor").subjectId, subscription: body.data.subscription },
      });
    } catch (error) {
      const message = errorsFrom(error);
      return c.json(
        errorBody("validation_failed", Object.values(message).join("; "), c.get("requestId")),
        400,
      );
    }
    return c.json({ browsers: await countPagerPush(c.get("ctx").db, c.get("actor").subjectId) }, 201);
  })
  .post("/account/paging/push/remove", async (c) => {
    const ctx = c.get("ctx");
    const userId = c.get("actor").subjectId;
    // JSON from the script names this browser; the page's form stops every browser.
    if ((c.req.header("content-type") ?? "").startsWith("application/json")) {
      const body = PagerPushBody.safeParse(await c.req.json().catch(() => null));
      if (!body.success)
        return c.json(errorBody("validation_failed", body.error.message, c.get("requestId")), 400);
      await removePagerPush({ ctx, input: { userId, subscription: body.data.subscription } });
      return c.body(null, 204);
    }
    await removePagerPush({ ctx, input: { userId } });
    return page(c, {}, "No browser of yours is paged now.");
  })
  .post("/account/paging/phone", async (c) => {
    const phone = text(await readForm(c), "phone");
    if (!phone) return page(c, { phone: "Enter your mobile number" }, undefined, 400);
    try {
      const { ending } = await addPagerPhone({
        ctx: c.get("ctx"),
        input: { userId: c.get("actor").subjectId, phone },
      });
      return page(c, {}, `A code was texted to your number ending in ${ending}: type it below.`);
    } catch (error) {
      return page(c, errorsFrom(error), undefined, pageStatus(error));
    }
  })
  .post("/account/paging/phone/verify", async (c) => {
    const code = text(await readForm(c), "code");
    try {
      await verifyPagerPhone({ ctx: c.get("ctx"), input: { userId: c.get("actor").subjectId, code } });
      return page(c, {}, "Your number is proven: approval pages will be texted to it.");
    } catch (error) {
      return page(c, errorsFrom(error), undefined, pageStatus(error));
    }
  })
  .post("/account/paging/phone/remove", async (c) => {
    await removePagerPhone({ ctx: c.get("ctx"), input: { userId: c.get("actor").subjectId } });
    return page(c, {}, "Your number is removed: no pages are texted.");
  });

function pageStatus(error: unknown): 400 | 409 | 429 {
  const status = statusOf(error);
  if (status === 400) return 400;
  if (error instanceof Error && "code" in error && error.code === "rate_limited") return 429;
  return 409;
}

async function page(
  c: ConsoleContext,
  errors: FieldErrors,
  notice?: string,
  status: 200 | 400 | 409 | 429 = 200,
) {
  const ctx = c.get("ctx");
  const actor = c.get("actor");
  const [browsers, phone] = await Promise.all([
    countPagerPush(ctx.db, actor.subjectId),
    pagerPhoneStatus(ctx, actor.subjectId),
  ]);
  return c.html(
    pagingPage(view(c), {
      approver: Object.values(APPROVERS).includes(actor.role),
      browsers,
      phone,
      vapidKey: pushPublicKey(ctx.config),
      errors,
      ...(notice ? { notice } : {}),
    }),
    status,
  );
}

export { PAGING_PATH };
