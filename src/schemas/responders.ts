/** Responders (issue 16): the roster's request bodies and answers, and a sighting's dispatch. */
import { z } from "zod";
import { Id, Language, text, Zip } from "./common.ts";
import {
  Sighting,
  SightingStatus as SightingStatusEnum,
  VerificationMethod as VerificationMethodEnum,
} from "./sightings.ts";

const Languages = z
  .array(Language)
  .min(1)
  .max(4)
  .refine((list) => new Set(list).size === list.length, { message: "must not repeat a language" })
  .describe("The languages they speak; texts go in the first of English or Spanish among them");
const Zips = z.array(Zip).max(50).describe("The ZIPs they cover");
const HomeZip = Zip.nullable().describe("Where they are: with radiusMiles they cover every ZIP that near");
const RadiusMiles = z.number().positive().max(100).nullable();

const coverageGiven = (b: { zips?: string[]; homeZip?: string | null; radiusMiles?: number | null }) =>
  (b.zips?.length ?? 0) > 0 || (Boolean(b.homeZip) && Boolean(b.radiusMiles));

export const CreateResponderBody = z
  .object({
    name: text(100).describe("A name or an alias"),
    phone: z.string().trim().min(7).max(32).describe("A US number; sealed, never shown again in full"),
    languages: Languages,
    zips: Zips.default([]),
    homeZip: HomeZip.optional(),
    radiusMiles: RadiusMiles.optional(),
  })
  .refine(coverageGiven, { message: "give the ZIPs they cover, or a home ZIP and a radius", path: ["zips"] });

export const UpdateResponderBody = z
  .object({
    name: text(100),
    languages: Languages,
    zips: Zips,
    homeZip: HomeZip,
    radiusMiles: RadiusMiles,
    onDuty: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });

export const Responder = z.object({
  id: Id,
  name: z.string(),
  phoneEnding: z.string().describe("The number's last two digits, to tell entries apart"),
  languages: z.array(Language),
  zips: z.array(Zip),
  homeZip: Zip.nullable(),
  radiusMiles: z.number().nullable(),
  onDuty: z.boolean(),
  status: z.enum(["invited", "active", "stopped"]).describe("On the roster (active) only after replying YES"),
  consentedAt: z.string().nullable(),
  organisationId: Id,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const DispatchBody = z
  .object({
    count: z.number().int().min(1).max(20).default(3).describe("How many responders to text (nearest first)"),
  })
  .default({ count: 3 });

export const ResponderRequest = z.object({
  id: Id,
  responderId: Id.nullable(),
  responderName: z.string().nullable(),
  caseCode: z.string(),
  distanceMiles: z.number(),
  sendStatus: z.enum(["queued", "sent", "failed"]),
  sentAt: z.string().nullable(),
  answers: z.array(
    z.object({
      answer: z.enum(["yes", "no", "confirm", "nothing", "gone"]),
      notes: z.string().nullable(),
      at: z.string(),
    }),
  ),
});

export const ResponderRing = z.object({
  at: z.string(),
  by: z.string().describe("`system` for an escalation, else the staff member's id"),
  escalated: z.boolean().describe("Sent by the system because nobody answered Y in time"),
  requested: z.number().int(),
  asked: z.number().int(),
  exhausted: z.boolean().describe("The escalation found nobody left to ask; it is not retried"),
  note: z
    .string()
    .nullable()
    .describe(
      'An escalation in words: "Nobody answered Y within 5 minutes; the next 3 were asked at 8:11 PM."',
    ),
});

export const Dispatch = z.object({
  sightingId: Id,
  caseCode: z.string().nullable(),
  rings: z
    .array(ResponderRing)
    .describe(
      "Each time responders were asked: by staff, or by the system after RESPONDER_ESCALATION_MINUTES without a Y",
    ),
  requests: z.array(ResponderRequest),
});

/** The dispatch's answer: the sighting, as before, with who was asked. */
export const DispatchedSighting = Sighting.extend({ dispatch: Dispatch });

/**
 * The data of each `sighting` event of GET /sightings/{id}/events: its status and its dispatch,
 * as GET /sightings/{id}/responders shows it. Responders by name only, never a number; nothing of
 * the reporter. Free text (a CONFIRM's words, a verification's notes) with anything shaped like a
 * phone number or an email address replaced by [phone] / [email].
 */
export const SightingEvent = z.object({
  sighting: z.object({
    id: Id,
    status: SightingStatusEnum,
    updatedAt: z.string(),
    verifications: z.array(
      z.object({ method: VerificationMethodEnum, notes: z.string().nullable(), at: z.string() }),
    ),
  }),
  dispatch: Dispatch,
});
