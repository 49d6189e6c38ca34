/**
 * Every migration, in order. Listed statically (not read from the folder at run time) so the same
 * list works on Node, in tests and in a Worker bundle. A test checks that no file is missing here.
 */
import type { Migration } from "kysely/migration";
import * as coreSchema from "./2026-11-24T0000-core-schema.ts";
import * as textAZip from "./2026-11-24T0100-text-a-zip.ts";
import * as fanout from "./2026-11-24T0200-fanout.ts";
import * as operators from "./2026-11-24T0300-operators.ts";
import * as inboundMessagesUnlogged from "./2026-11-24T2230-inbound-messages-unlogged.ts";
import * as sightingTextRetention from "./2026-11-24T2330-sighting-text-retention.ts";
import * as dropSightingTextIndex from "./2026-11-25T0010-drop-sighting-text-index.ts";
import * as loginGuessingAndTotp from "./2026-12-05T0200-login-guessing-and-totp.ts";
import * as confirmationMailboxes from "./2026-12-05T0300-confirmation-mailboxes.ts";
import * as organisationScope from "./2026-12-05T0500-organisation-scope.ts";
import * as inboundMessageLanguage from "./2026-12-05T0900-inbound-message-language.ts";
import * as whatsapp from "./2026-12-05T1000-whatsapp.ts";
import * as responders from "./2026-12-05T1010-responders.ts";
import * as voiceChannel from "./2026-12-05T1100-voice-channel.ts";
import * as responderRings from "./2026-12-05T1210-responder-rings.ts";
import * as approverPaging from "./2026-12-05T1230-approver-paging.ts";
import * as unconfirmedAlerts from "./2026-12-05T1240-unconfirmed-alerts.ts";
import * as alertTimeline from "./2026-12-05T1250-alert-timeline.ts";
import * as pagerCodeCount from "./2026-12-05T1400-pager-code-count.ts";
import * as texterAfterLock from "./2026-12-05T1500-texter-after-lock.ts";
import * as ledgerWaves from "./2026-12-05T1510-ledger-waves.ts";

export const migrations: Record<string, Migration> = {
  "2026-11-24T0000-core-schema": coreSchema,
  "2026-11-24T0100-text-a-zip": textAZip,
  "2026-11-24T0200-fanout": fanout,
  "2026-11-24T0300-operators": operators,
  "2026-11-24T2230-inbound-messages-unlogged": inboundMessagesUnlogged,
  "2026-11-24T2330-sighting-text-retention": sightingTextRetention,
  "2026-11-25T0010-drop-sighting-text-index": dropSightingTextIndex,
  "2026-12-05T0200-login-guessing-and-totp": loginGuessingAndTotp,
  "2026-12-05T0300-confirmation-mailboxes": confirmationMailboxes,
  "2026-12-05T0500-organisation-scope": organisationScope,
  "2026-12-05T0900-inbound-message-language": inboundMessageLanguage,
  "2026-12-05T1000-whatsapp": whatsapp,
  "2026-12-05T1010-responders": responders,
  "2026-12-05T1100-voice-channel": voiceChannel,
  "2026-12-05T1210-responder-rings": responderRings,
  "2026-12-05T1240-unconfirmed-alerts": unconfirmedAlerts,
  "2026-12-05T1250-alert-timeline": alertTimeline,
  "2026-12-05T1400-pager-code-count": pagerCodeCount,
  "2026-12-05T1230-approver-paging": approverPaging,
  "2026-12-05T1500-texter-after-lock": texterAfterLock,
  "2026-12-05T1510-ledger-waves": ledgerWaves,
};
