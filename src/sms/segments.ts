/**
 * How many SMS segments a text costs, as Twilio counts them: GSM-7 when every character is in the
 * GSM 03.38 alphabet (160 per single message, 153 per part once split; € [ ] { } ^ ~ | \ take two),
 * UCS-2 otherwise (70, then 67 per part; an emoji takes two). Used for reply texts and by the alert
 * composer, which shows the count and the characters that forced UCS-2 as the author types.
 */
import { SegmentedMessage } from "sms-segments-calculator";

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Characters as the network counts them: GSM-7 septets or UCS-2 code units. */
  characters: number;
  /** The distinct characters that forced UCS-2, in order of first use; empty for GSM-7. */
  unicodeCharacters: string[];
}

/** Single-message and per-part capacity, in `characters` units. */
export const SEGMENT_CAPACITY: Record<SmsEncoding, { single: number; multipart: number }> = {
  "GSM-7": { single: 160, multipart: 153 },
  "UCS-2": { single: 70, multipart: 67 },
};

export function countSegments(text: string): SegmentCount {
  const message = new SegmentedMessage(text);
  return {
    encoding: message.encodingName,
    segments: message.segmentsCount,
    characters: message.encodedChars.reduce((sum, char) => sum + char.codeUnits.length, 0),
    unicodeCharacters: [...new Set(message.getNonGsmCharacters())],
  };
}
