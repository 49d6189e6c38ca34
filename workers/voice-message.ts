/**
 * The alert call for one ledger row: the script in the subscriber's language (src/voice/compose.ts)
 * as inline TwiML, whose keypad answers post to a URL signed for this subscriber. `text` is the
 * script as plain text, which is what the local outbox keeps in local mode.
 */
import type { AppContext } from "../src/context.ts";
import type { OutboundMessage } from "../src/delivery/sender.ts";
import type { MessageAlert, MessageText } from "../src/services/alerts/compose.ts";
import { voiceScript, voiceTwiml } from "../src/voice/compose.ts";
import { voiceKeypadUrl } from "../src/voice/urls.ts";

export function voiceMessage(
  ctx: Pick<AppContext, "config" | "pii">,
  alert: MessageAlert,
  text: MessageText,
  base: Omit<OutboundMessage, "text"> & { deliveryId: string; subscriberId: string },
): OutboundMessage {
  const script = voiceScript(alert, text);
  const keypadUrl = voiceKeypadUrl(ctx.config.publicUrl, ctx.pii, base);
  return {
    ...base,
    text: script.join("\n\n"),
    voice: { twiml: voiceTwiml(text.language, script, keypadUrl) },
  };
}
