/**
 * Fixtures for the web tests: published alerts made through the operator API the way operators
 * make them (draft, preview, approve with the hash by a second person), and a form poster.
 */
import type { AppContext } from "../../src/context.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { TEXTS } from "./fanout.ts";
import { type appFor, type Caller, ok, signIn } from "./operators.ts";

type App = ReturnType<typeof appFor>;

export type Publishers = { operator: Caller; verifier: Caller; comms: Caller; secondComms: Caller };

export async function publishers(ctx: AppContext, app: App): Promise<Publishers> {
  return {
    operator: await signIn(ctx, app, "operator"),
    verifier: await signIn(ctx, app, "verifier"),
    comms: await signIn(ctx, app, "comms"),
    secondComms: await signIn(ctx, app, "comms"),
  };
}

const apiTexts = (languages: (keyof typeof TEXTS)[]) =>
  Object.fromEntries(
    languages.map((language) => [
      language,
      { headline: TEXTS[language].headline, body: TEXTS[language].body, smsText: TEXTS[language].sms_text },
    ]),
  );

/** Drafted by the operator, approved (and published) by the verifier. */
export async function publishAlert(
  p: Publishers,
  options: { zips: string[]; languages?: (keyof typeof TEXTS)[]; drill?: boolean; headline?: string },
): Promise<string> {
  const texts = apiTexts(options.languages ?? ["en", "es", "zh", "vi"]);
  if (options.headline) (texts.en as { headline: string }).headline = options.headline;
  const draft = await ok(
    p.operator.request("POST", "alerts", {
      texts,
      target: { zips: options.zips },
      drill: options.drill ?? false,
    }),
    Alert,
    201,
  );
  await approve(p.verifier, draft.id);
  return draft.id;
}

export async function approve(approver: Caller, alertId: string) {
  const preview = await ok(approver.request("GET", `alerts/${alertId}/preview`), Preview);
  return ok(approver.request("POST", `alerts/${alertId}/approve`, { hash: preview.hash }), ApprovalAnswer);
}

export async function postForm(
  app: App,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
