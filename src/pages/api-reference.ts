/**
 * The operator API's reference page (/api/v1/docs), rendered on the server from the same OpenAPI
 * document as /api/v1/openapi.json: no script, nothing loaded from elsewhere.
 */
import { html } from "hono/html";
import type { OpenApiDocument } from "../http/openapi.ts";
import { inlineMarkdown } from "./inline-markdown.ts";
import { layout } from "./layout.ts";

type Operation = {
  summary: string;
  description: string;
  tags: string[];
  "x-roles": string[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  /** application/json, or text/event-stream for a live view (the schema of each event's data). */
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

export function apiReferencePage(doc: OpenApiDocument, localMode: boolean) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return layout({
    title: "Operator API",
    localMode,
    body: html`<h1>Aviso operator API</h1>
<p>${inlineMarkdown(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>. Authenticate with the session cookie
from <code>POST /api/v1/auth/login</code>, or an API key as <code>Authorization: Bearer aviso_…</code>.
Bodies are JSON; invalid input answers <code>400 validation_failed</code> with <code>details.issues</code> naming each field.</p>
${doc.tags.map(
  (tag) => html`<h2 id="${tag.name}">${tag.name}</h2>
${operations
  .filter(({ op }) => op.tags.includes(tag.name))
  .map(
    ({ path, method, op }) => html`<section class="api-operation">
<h3><code>${method.toUpperCase()} ${path}</code></h3>
<p><strong>${op.summary}.</strong> ${inlineMarkdown(op.description)}</p>
<p>Who: ${op["x-roles"].length > 0 ? op["x-roles"].join(", ") : "anyone"}</p>
${
  op.parameters && op.parameters.length > 0
    ? html`<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr></thead><tbody>
${op.parameters.map(
  (p) =>
    html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td><td><code>${JSON.stringify(p.schema)}</code></td></tr>`,
)}</tbody></table>`
    : ""
}
${op.requestBody ? html`<details><summary>Request body</summary><pre>${json(op.requestBody.content["application/json"].schema)}</pre></details>` : ""}
<details><summary>Responses</summary><ul>
${Object.entries(op.responses).map(
  ([status, r]) =>
    html`<li><code>${status}</code> ${inlineMarkdown(r.description)}${
      r.content && !status.startsWith("4")
        ? Object.entries(r.content).map(
            ([type, c]) =>
              html`${type === "application/json" ? "" : html` (<code>${type}</code>)`}<pre>${json(c.schema)}</pre>`,
          )
        : ""
    }</li>`,
)}</ul></details>
</section>`,
  )}`,
)}`,
  });
}
