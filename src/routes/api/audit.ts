import { route } from "../../http/api-route.ts";
import { AuditEntry, AuditQuery } from "../../schemas/audit.ts";
import { list } from "../../schemas/common.ts";
import { listAudit } from "../../services/audit/list-audit.ts";

export const auditRoutes = [
  route({
    method: "get",
    path: "/audit",
    tag: "Audit",
    summary: "Read the audit log",
    description:
      "Newest first. Sign-ins, sighting changes, drafts, approvals, publishes, cancels and account changes: who, when, which object. Never subscriber data. The admin's own organisation's entries and the service-wide ones (retention counts, locks). Page with `before` (the last id seen).",
    permission: "audit:read",
    query: AuditQuery,
    responses: { 200: { description: "Entries", schema: list(AuditEntry) } },
    handler: async (c, { query, actor }) =>
      c.json({ items: await listAudit({ ctx: c.get("ctx"), input: { ...query, scope: actor } }) }),
  }),
];
