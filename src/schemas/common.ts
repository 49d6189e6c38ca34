/**
 * The building blocks the operator API's and the console's schemas share: ids, ZIPs, languages,
 * roles, channels, priorities, times, emails, passwords, bounded text and list answers.
 */
import { z } from "zod";
import { ROLES } from "../auth/permissions.ts";
import { LANGUAGES } from "../i18n/languages.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../security/passwords.ts";

export const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max);

export const Id = z.uuid({ message: "must be a UUID" });
export const IdParams = z.object({ id: Id });
export const Zip = z.string().regex(/^\d{5}$/, "must be a 5-digit ZIP");
export const Language = z.enum(LANGUAGES);
export const Role = z.enum(ROLES);
export const KeyRole = z.enum(["operator", "verifier", "comms"]);
export const Channel = z.enum(["sms", "email", "push", "whatsapp", "voice"]);
/** Every channel: what a new alert goes on unless its drafter chooses fewer. */
export const ALL_CHANNELS: z.infer<typeof Channel>[] = ["sms", "email", "push", "whatsapp", "voice"];
export const Channels = z
  .array(Channel)
  .min(1)
  .max(5)
  .refine((list) => new Set(list).size === list.length, {
    message: "must not repeat a channel",
  });
export const Priority = z.enum(["alert", "advisory", "community"]);
export const Timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
export const Email = z.email().max(254);
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
export const Limit = z.coerce.number().int().min(1).max(500).default(100);

/** A list answer: `{ items: [...] }`. */
export const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
