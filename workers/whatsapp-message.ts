/**
 * The WhatsApp message for one ledger row: free-form inside the resident's 24-hour window, the
 * language's approved template outside it (src/whatsapp/compose.ts, window.ts). In local mode
 * (no template) the outbox keeps the free-form text, or for a template send what it would show.
 */
import type { AppContext } from "../src/context.ts";
import type { OutboundMessage } from "../src/delivery/sender.ts";
import type { MessageAlert, MessageText } from "../src/services/alerts/compose.ts";
import { composeWhatsApp, templateSummary } from "../src/whatsapp/compose.ts";
import { withinFreeFormWindow } from "../src/whatsapp/window.ts";

export function whatsappMessage(
  ctx: Pick<AppContext, "config" | "clock">,
  alert: MessageAlert,
  text: MessageText,
  base: Omit<OutboundMessage, "text">,
  lastInboundAt: Date | null,
): OutboundMessage {
  const composed = composeWhatsApp(alert, text, {
    publicUrl: ctx.config.publicUrl,
    whatsapp: ctx.config.whatsapp,
  });
  const freeForm = withinFreeFormWindow(lastInboundAt, ctx.clock.now()) || composed.template === null;
  const template = composed.template
    ? { contentSid: composed.template.contentSid, variables: composed.template.variables }
    : null;
  return {
    ...base,
    text: freeForm || !composed.template ? composed.freeForm : templateSummary(composed.template),
    whatsapp: { template, freeForm },
  };
}
