import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { isValidTwilioSignature, twilioSignature } from "../../src/security/twilio-signature.ts";

const token = "12345678901234567890123456789012";
const url = "https://aviso.example.org/webhooks/twilio/sms?x=1";
const params = {
  From: "+15105550100",
  To: "+15105550000",
  Body: "94607 ñ 中文",
  MessageSid: "SM123",
  NumMedia: "0",
};

describe("Twilio request signatures", () => {
  it("match the twilio package's own computation and validator", () => {
    expect(twilioSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    expect(twilio.validateRequest(token, twilioSignature(token, url, params), url, params)).toBe(true);
  });

  it("reject a changed parameter, URL, token, or a missing signature", () => {
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    expect(isValidTwilioSignature(token, url, params, signature)).toBe(true);
    expect(isValidTwilioSignature(token, url, { ...params, Body: "STOP" }, signature)).toBe(false);
    expect(isValidTwilioSignature(token, url.replace("https", "http"), params, signature)).toBe(false);
    expect(isValidTwilioSignature(`${token.slice(1)}x`, url, params, signature)).toBe(false);
    expect(isValidTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(isValidTwilioSignature(token, url, params, "short")).toBe(false);
  });
});
