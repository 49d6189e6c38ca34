/**
 * The naive fan-out the benchmark compares against, on the same data and peers: the same ledger
 * rows, but one pg-boss job per message, and the provider libraries used as they come — web-push
 * signing a VAPID JWT for every message, nodemailer composing each mail and opening one SMTP
 * connection per mail, the twilio client with its own (axios) HTTP client. Everything else
 * (claiming a row, decrypting, composing, recording) is done as simply as it would be written
 * first: one row, one query at a time.
 *
 * Given a fair chance: workers take jobs ten at a time and keep fetching while batches come back
 * full (pg-boss otherwise waits out its poll interval after every job, which would make the
 * comparison about pg-boss's polling), 100 messages in flight.
 */
import https from "node:https";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import webpush from "web-push";
import type { Config } from "../src/config.ts";
import type { AppContext } from "../src/context.ts";
import type { Channel } from "../src/db/database.ts";
import type { Sender } from "../src/delivery/sender.ts";
import { PUSH_SOCKETS_PER_ORIGIN } from "../src/delivery/webpush-sender.ts";
import type { Language } from "../src/i18n/languages.ts";
import { openAddress } from "../src/security/addresses.ts";
import { unsubscribeToken, unsubscribeUrl } from "../src/security/unsubscribe-token.ts";
import { composeEmail, composePush, composeSms, pickText } from "../src/services/alerts/compose.ts";
import { createTwilioClient } from "../src/sms/twilio-client.ts";
import { composeWhatsApp } from "../src/whatsapp/compose.ts";
import { voiceMessage } from "../workers/voice-message.ts";

export const NAIVE_QUEUE = "bench-naive-delivery";

/** `pushCa` trusts the push peer: web-push's sendNotification takes a node:https agent. */
export function naiveSenders(config: Config, pushCa: string): Record<Channel, Sender> {
  const pushAgent = new https.Agent({ keepAlive: true, maxSockets: PUSH_SOCKETS_PER_ORIGIN, ca: pushCa });
  const sms = config.sms!;
  const twilio = createTwilioClient({
    accountSid: sms.accountSid,
    authToken: sms.authToken,
    apiUrl: sms.apiUrl,
  });
  const mail = nodemailer.createTransport({ url: config.email!.smtpUrl }); // a connection per mail
  return {
    sms: {
      channel: "sms",
      mode: "provider",
      async send(message) {
        const sent = await twilio.messages.create({
          to: message.to,
          body: message.text,
          messagingServiceSid: sms.messagingServiceSid,
          statusCallback: `${config.publicUrl}/webhooks/twilio/status`,
          validityPeriod: Math.min(36_000, Math.max(1, message.ttlSeconds ?? 3600)),
        });
        return { providerId: sent.sid };
      },
    },
    email: {
      channel: "email",
      mode: "provider",
      async send(message) {
        const info = await mail.sendMail({
          from: config.email!.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
        });
        return { providerId: info.messageId };
      },
      async close() {
        mail.close();
      },
    },
    whatsapp: {
      channel: "whatsapp",
      mode: "provider",
      async send(message) {
        const template = message.whatsapp?.template;
        const sent = await twilio.messages.create({
          to: `whatsapp:${message.to}`,
          from: `whatsapp:${config.whatsapp?.from ?? "+15005550006"}`,
          statusCallback: `${config.publicUrl}/webhooks/twilio/status`,
          ...(template
            ? { contentSid: template.contentSid, contentVariables: JSON.stringify(template.variables) }
            : { body: message.text }),
        });
        return { providerId: sent.sid };
      },
    },
    // Alert calls (bench --voice): the Calls API with the call's inline TwiML, no pacing.
    voice: {
      channel: "voice",
      mode: "provider",
      async send(message) {
        const call = await twilio.calls.create({
          to: message.to,
          from: config.sms?.voiceFrom ?? "+15005550006",
          twiml: message.voice!.twiml,
          statusCallback: `${config.publicUrl}/webhooks/twilio/call-status`,
        });
        return { providerId: call.sid };
      },
    },
    push: {
      channel: "push",
      mode: "provider",
      async send(message) {
        const response = await webpush.sendNotification(JSON.parse(message.to), message.text, {
          vapidDetails: config.push!, // signs a new JWT every time
          TTL: message.ttlSeconds ?? 3600,
          urgency: message.urgency ?? "normal",
          agent: pushAgent,
        });
        return { providerId: response.headers.location };
      },
      async close() {
        pushAgent.destroy();
      },
    },
  };
}

/** Publishes the naive way: ledger rows as usual, then one job per row (enqueued after the commit). */
export async function naivePublish(
  ctx: AppContext,
  alertId: string,
  onCommitted: () => void = () => {},
): Promise<number> {
  const rows = await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("alerts")
      .set({ status: "published", published_at: new Date() })
      .where("id", "=", alertId)
      .execute();
    const alert = await tx
      .selectFrom("alerts")
      .select("target_zips")
      .where("id", "=", alertId)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ id: string }>`
      INSERT INTO deliveries (alert_id, subscriber_id, channel, zip, updated_at)
      SELECT ${alertId}::uuid, s.id, s.channel, m.zip, now()
      FROM (SELECT DISTINCT ON (subscriber_id) subscriber_id, zip FROM subscriptions
            WHERE zip = ANY(${alert.target_zips}::text[]) ORDER BY subscriber_id, zip) m
      JOIN subscribers s ON s.id = m.subscriber_id
      WHERE s.status = 'active'
      RETURNING id::text AS id`.execute(tx);
    return rows;
  });
  onCommitted();
  for (let i = 0; i < rows.length; i += 1000) {
    await ctx.boss.insert(
      NAIVE_QUEUE,
      rows.slice(i, i + 1000).map((row) => ({ data: { deliveryId: row.id } })),
    );
  }
  return rows.length;
}

export async function startNaiveWorkers(
  ctx: AppContext,
  senders: Record<Channel, Sender>,
  concurrency: number,
): Promise<{ stop(): Promise<void> }> {
  if (!(await ctx.boss.getQueue(NAIVE_QUEUE)))
    await ctx.boss.createQueue(NAIVE_QUEUE, { retryLimit: 10, retryDelay: 1, notify: true });
  const id = await ctx.boss.work<{ deliveryId: string }>(
    NAIVE_QUEUE,
    {
      batchSize: 10,
      localConcurrency: Math.ceil(concurrency / 10),
      burstWhenBatchFull: true,
      pollingIntervalSeconds: 0.5,
    },
    async (jobs) => {
      await Promise.all(
        jobs.map((job) =>
          deliverOne(ctx, senders, job.data.deliveryId).catch((error: unknown) => {
            ctx.log.error({ err: error }, "naive delivery failed");
            throw error;
          }),
        ),
      );
    },
  );
  return { stop: () => ctx.boss.offWork(NAIVE_QUEUE, { id }) };
}

async function deliverOne(
  ctx: AppContext,
  senders: Record<Channel, Sender>,
  deliveryId: string,
): Promise<void> {
  const row = await sql<{
    alert_id: string;
    channel: Channel;
    subscriber_id: string;
    language: Language;
    address_ciphertext: Buffer;
    address_key_id: string;
  }>`
        UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1
        FROM subscribers s
        WHERE d.id = ${deliveryId}::bigint AND s.id = d.subscriber_id AND d.status = 'queued'
        RETURNING d.alert_id, d.channel, d.subscriber_id, s.language, s.address_ciphertext, s.address_key_id`.execute(
    ctx.db,
  );
  const delivery = row.rows[0];
  if (!delivery) return;
  const row_ = await ctx.db
    .selectFrom("alerts")
    .select(["id", "kind", "priority", "is_drill", "expires_at", "sighting_id"])
    .where("id", "=", delivery.alert_id)
    .executeTakeFirstOrThrow();
  const alert = { ...row_, verifiedSighting: row_.sighting_id !== null };
  const texts = await ctx.db
    .selectFrom("alert_texts")
    .select(["language", "headline", "body", "sms_text"])
    .where("alert_id", "=", delivery.alert_id)
    .execute();
  const text = pickText(texts, delivery.language);
  const to = openAddress(ctx.pii, delivery.channel, delivery);
  const ttlSeconds = Math.floor((alert.expires_at.getTime() - Date.now()) / 1000);
  const base = { channel: delivery.channel, to, ttlSeconds, deliveryId: deliveryId };
  const send = async (): Promise<{ providerId?: string }> => {
    if (delivery.channel === "sms") {
      return senders.sms.send({ ...base, text: composeSms(alert, text, ctx.config.publicUrl) });
    } else if (delivery.channel === "whatsapp") {
      const composed = composeWhatsApp(alert, text, {
        publicUrl: ctx.config.publicUrl,
        whatsapp: ctx.config.whatsapp,
      });
      const template = composed.template && {
        contentSid: composed.template.contentSid,
        variables: composed.template.variables,
      };
      return senders.whatsapp.send({
        ...base,
        text: composed.freeForm,
        whatsapp: { template, freeForm: false },
      });
    } else if (delivery.channel === "voice") {
      return senders.voice.send(
        voiceMessage(ctx, alert, text, { ...base, subscriberId: delivery.subscriber_id }),
      );
    } else if (delivery.channel === "push") {
      return senders.push.send({
        ...base,
        text: composePush(alert, text, ctx.config.publicUrl),
        urgency: "high",
      });
    } else {
      const link = unsubscribeUrl(ctx.config.publicUrl, unsubscribeToken(ctx.pii, delivery.subscriber_id));
      const mail = composeEmail(alert, text, { publicUrl: ctx.config.publicUrl, unsubscribeUrl: link });
      return senders.email.send({
        ...base,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
    }
  };
  let result: { providerId?: string };
  try {
    result = await send();
  } catch (error) {
    // Back to queued, so the job's retry sends it.
    await ctx.db.updateTable("deliveries").set({ status: "queued" }).where("id", "=", deliveryId).execute();
    throw error;
  }
  await ctx.db
    .updateTable("deliveries")
    .set({
      status: "sent",
      provider_id: result.providerId ?? null,
      sent_at: new Date(),
      updated_at: new Date(),
    })
    .where("id", "=", deliveryId)
    .execute();
}
