/** Accounts, sign-in, second factor and API keys: request bodies and answers (API and console). */
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../security/passwords.ts";
import { Email, Id, KeyRole, Password, Role, text } from "./common.ts";

export const Organisation = z.object({ id: Id, name: z.string() });
export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  organisation: Organisation,
  disabled: z.boolean(),
  createdAt: z.string(),
});
const TotpCode = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, "must be the 6 digits the authenticator app shows");
const RecoveryCode = z
  .string()
  .trim()
  .min(16)
  .max(24)
  .describe("One of the recovery codes, XXXX-XXXX-XXXX-XXXX");
export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  code: TotpCode.optional().describe(
    "For an account with a second factor: the app's code, to sign in in one step",
  ),
  recoveryCode: RecoveryCode.optional(),
});
export const LoginAnswer = z.object({
  user: User,
  expiresAt: z.string(),
  next: z
    .enum(["code", "enrol"])
    .nullable()
    .describe(
      "`code`: the password was right; send the second factor to POST /auth/login/code (this session opens nothing else and ends at expiresAt). `enrol`: set up a second factor before anything else. null: signed in.",
    ),
});
export const LoginCodeBody = z
  .object({ code: TotpCode, recoveryCode: RecoveryCode })
  .partial()
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), {
    message: "send either code or recoveryCode",
  });
export const SecondFactor = z.object({
  required: z.boolean().describe("Whether your role must sign in with a second factor (TOTP_REQUIRED_ROLES)"),
  enrolled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export const TotpEnrolment = z.object({
  secret: z
    .string()
    .describe("The TOTP secret in base32, to type into an authenticator app; shown this once"),
  uri: z.string().describe("The same as an otpauth:// URI (for a QR code)"),
});
export const ConfirmTotpBody = z.object({ code: TotpCode });
/** A code of the current second factor, to change it; optional only while there is none. */
export const CurrentFactorBody = z
  .object({
    code: TotpCode.describe("A code the current authenticator app shows"),
    recoveryCode: RecoveryCode.describe("Or one of the current recovery codes (it is used up)"),
  })
  .partial()
  .refine((body) => !(body.code !== undefined && body.recoveryCode !== undefined), {
    message: "send code or recoveryCode, not both",
  });
export const RecoveryCodes = z.object({
  recoveryCodes: z
    .array(z.string())
    .describe("Ten one-time codes, shown this once; each replaces a TOTP code once"),
});
export const Me = z.object({
  actor: z.string().describe('"user:<id>" or "key:<id>", as the audit log names them'),
  kind: z.enum(["user", "key"]),
  role: Role,
  name: z.string(),
  organisation: Organisation,
});
export const PasswordBody = z.object({
  currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: Password,
});
export const CreateUserBody = z.object({
  email: Email,
  name: text(200),
  role: Role,
  organisation: text(200).optional().describe("The admin's own organisation (the default)"),
  password: Password,
});
export const UpdateUserBody = z
  .object({
    name: text(200),
    role: Role,
    organisation: text(200),
    password: Password,
    disabled: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "change at least one field" });
export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  role: KeyRole,
  organisation: Organisation,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export const CreateKeyBody = z.object({
  name: text(200),
  role: KeyRole,
  organisation: text(200).optional().describe("The admin's own organisation (the default)"),
});
export const CreatedKey = z.object({
  key: z.string().describe("The key itself: shown this once, stored only as a hash"),
  apiKey: ApiKey,
});
