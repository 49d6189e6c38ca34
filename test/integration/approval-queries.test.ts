/**
 * An approval loads the alert once. Approving and publishing in one request reads the alert's row
 * only where the organisation check and the lock take it (loadAlertFor: a small query that decides,
 * then the locked record), its texts once, and builds the preview (with its recipient counts) once:
 * the record checked is the record published and returned. Statements are counted through a Kysely
 * plugin on the database the app is given.
 */
import {
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PostgresQueryCompiler,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview, Published } from "../../src/schemas/alerts.ts";
import { addSubscriber } from "../support/fanout.ts";
import { apiClient, appFor, type Caller, ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

type Statement = { sql: string; parameters: readonly unknown[] };

/** Records every statement run through the database it is attached to. */
class StatementLog implements KyselyPlugin {
  readonly statements: Statement[] = [];
  readonly #compiler = new PostgresQueryCompiler();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const compiled = this.#compiler.compileQuery(args.node, args.queryId);
    this.statements.push({ sql: compiled.sql, parameters: compiled.parameters });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

let runtime: TestRuntime;
let operator: Caller;
let verifier: Caller;
let counted: (log: StatementLog) => Caller["request"];

const text = (words: string) => ({ headline: words, body: words, smsText: words });

beforeAll(async () => {
  runtime = await createTestRuntime();
  const app = appFor(runtime);
  operator = await signIn(runtime, app, "operator");
  verifier = await signIn(runtime, app, "verifier");
  counted = (log) =>
    apiClient(appFor({ ...runtime, db: runtime.db.withPlugin(log) }), { cookie: verifier.cookie });
  await addSubscriber(runtime, { channel: "sms", address: "+15105550161", zips: ["94610"] });
  await addSubscriber(runtime, { channel: "email", address: "queries@example.test", zips: ["94610"] });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

async function draftAndPreview(): Promise<{ id: string; hash: string }> {
  const draft = await ok(
    operator.request("POST", "alerts", {
      texts: { en: text("Agents near the library"), es: text("Agentes cerca de la biblioteca") },
      target: { zips: ["94610"] },
    }),
    Alert,
    201,
  );
  const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
  return { id: draft.id, hash: preview.hash };
}

/** Statements about this alert: reads of its row and of its texts, and recipient counts. */
function about(log: StatementLog, alertId: string) {
  const mentions = (s: Statement) => s.parameters.includes(alertId);
  const reads = (table: string) =>
    log.statements.filter(
      (s) => mentions(s) && /^select/i.test(s.sql.trim()) && s.sql.includes(`from "${table}"`),
    ).length;
  return {
    alertRowReads: reads("alerts"),
    textReads: log.statements.filter(
      (s) => mentions(s) && /alert_texts/.test(s.sql) && /^select/i.test(s.sql.trim()),
    ).length,
    recipientCounts: log.statements.filter((s) => /GROUP BY s\.channel, m\.zip/.test(s.sql)).length,
  };
}

describe("an approval loads the alert once", () => {
  it("approve and publish: the row where loadAlertFor decides and locks, texts once, one preview", async () => {
    const { id, hash } = await draftAndPreview();
    const log = new StatementLog();
    const answer = await ok(
      counted(log)("POST", `alerts/${id}/approve`, { hash, publishNow: true }),
      ApprovalAnswer,
    );
    expect(answer.alert.status).toBe("published");
    expect(answer.alert.approverId).toBe(verifier.actor);
    expect(answer.alert.publishedAt).toBe(answer.published?.publishedAt);
    expect(answer.published?.deliveries).toEqual({ sms: 1, email: 1, push: 0, whatsapp: 0, voice: 0 });
    expect(about(log, id)).toEqual({ alertRowReads: 2, textReads: 1, recipientCounts: 1 });
  });

  it("approve, then publish: each request loads the alert once", async () => {
    const { id, hash } = await draftAndPreview();
    const approving = new StatementLog();
    const approved = await ok(
      counted(approving)("POST", `alerts/${id}/approve`, { hash, publishNow: false }),
      ApprovalAnswer,
    );
    expect(approved.alert.status).toBe("approved");
    expect(approved.published).toBeNull();
    expect(about(approving, id)).toEqual({ alertRowReads: 2, textReads: 1, recipientCounts: 1 });

    const publishing = new StatementLog();
    const published = await ok(counted(publishing)("POST", `alerts/${id}/publish`), Published);
    expect(published.deliveries).toEqual({ sms: 1, email: 1, push: 0, whatsapp: 0, voice: 0 });
    expect(about(publishing, id)).toEqual({ alertRowReads: 2, textReads: 1, recipientCounts: 1 });
  });
});
