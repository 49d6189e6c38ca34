/** Sightings: request bodies (API and console forms) and answers. */
import { z } from "zod";
import { Id, Language, Limit, Timestamp, text, Zip } from "./common.ts";

export const SightingStatus = z.enum(["reported", "dispatched", "verified", "unconfirmed", "false_alarm"]);
export const Agency = z.enum(["ice", "cbp", "unknown", "other"]);
export const Activity = z.enum([
  "sweep",
  "targeted_arrest",
  "checkpoint",
  "traffic_stop",
  "workplace",
  "other",
]);
export const Source = z.enum(["hotline_call", "text", "responder"]);
export const VerificationMethod = z.enum(["responder_on_scene", "photo", "independent_reports", "other"]);

const sightingFields = {
  zip: Zip,
  place: text(300),
  crossStreets: text(300).nullable().optional(),
  observedAt: Timestamp,
  agency: Agency,
  activity: Activity,
  vehicles: z.number().int().min(0).max(1000).nullable().optional(),
  agents: z.number().int().min(0).max(10_000).nullable().optional(),
  description: text(4000).nullable().optional(),
  source: Source,
};
export const CreateSightingBody = z.object({
  ...sightingFields,
  reporterCallback: z
    .string()
    .trim()
    .min(7)
    .max(32)
    .nullable()
    .optional()
    .describe("The caller's number, if they want a call back: encrypted, purged after the retention window"),
});
export const UpdateSightingBody = z
  .object(sightingFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });
export const VerificationBody = z.object({
  method: VerificationMethod,
  notes: text(2000).nullable().optional(),
});
export const ResolveBody = z.object({
  status: z.enum(["verified", "unconfirmed", "false_alarm"]),
  verification: VerificationBody.optional(),
});
export const MergeBody = z.object({ duplicateIds: z.array(Id).min(1).max(50) });
export const Sighting = z.object({
  id: Id,
  status: SightingStatus,
  zip: Zip,
  /** null once the free text was erased (SIGHTING_TEXT_RETENTION_DAYS after the decision). */
  place: z.string().nullable(),
  crossStreets: z.string().nullable(),
  observedAt: z.string(),
  agency: Agency,
  activity: Activity,
  vehicles: z.number().nullable(),
  agents: z.number().nullable(),
  description: z.string().nullable(),
  source: Source,
  reporterCallback: z.enum(["none", "held", "purged"]),
  reporterCallbackPurgeAfter: z.string().nullable(),
  textErasedAt: z.string().nullable(),
  incidentId: Id,
  organisationId: Id,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  verifications: z.array(
    z.object({
      id: z.string(),
      actor: z.string(),
      method: VerificationMethod,
      notes: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
const NoteText = z.object({ headline: z.string(), body: z.string(), smsText: z.string() });
export const DecidedSighting = Sighting.extend({
  drafts: z
    .array(
      z.object({
        id: Id,
        kind: z.enum(["sighting", "update", "cancel"]),
        referencesAlertId: Id.nullable(),
      }),
    )
    .describe(
      "What the decision drafted, each waiting for a second verifier's approval: verified → the alert from the templates (all four languages, the sighting's ZIP, every channel), or a VERIFIED update of each published UNCONFIRMED alert; false alarm → a FALSE ALARM cancel of each published alert about it. Follow-ups reach exactly the original's recipients.",
    ),
  nothingFound: z
    .partialRecord(Language, NoteText)
    .nullable()
    .describe(
      'A false alarm about which no alert went out: the "nothing found" note the hotline tells callers, from the templates in four languages (also on the sighting\'s console page); null otherwise',
    ),
});
export const CreatedSighting = z.object({ sighting: Sighting, likelyDuplicates: z.array(Sighting) });
export const SightingQuery = z.object({
  status: SightingStatus.optional(),
  zip: Zip.optional(),
  limit: Limit,
});
