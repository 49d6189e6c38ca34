/**
 * The UNCONFIRMED alert's template and the "nothing found" note (issue 16, points 6 and 8), for
 * every activity, agency, language and shape of place: they name the place (or the ZIP), never
 * say "confirmed", fit an SMS with the label, and read without doubled stops. And the labels:
 * an UNCONFIRMED alert says so in every language, its VERIFIED update says VERIFIED, not UPDATE.
 */
import { describe, expect, it } from "vitest";
import type { SightingActivity, SightingAgency } from "../../src/db/database.ts";
import { LANGUAGES } from "../../src/i18n/languages.ts";
import { alertLabel, LABELS, labelKeys, smsFits } from "../../src/services/alerts/compose.ts";
import { nothingFoundTemplate, unconfirmedTemplate } from "../../src/services/alerts/templates.ts";

const TZ = "America/Los_Angeles";
const EVENING = new Date("2026-12-06T04:06:00Z");
const ACTIVITIES: SightingActivity[] = [
  "sweep",
  "targeted_arrest",
  "checkpoint",
  "traffic_stop",
  "workplace",
  "other",
];
const AGENCIES: SightingAgency[] = ["ice", "cbp", "unknown", "other"];
const PLACES = [
  "Lake Merritt",
  "Fruitvale BART.",
  "Outside the laundromat",
  "cerca de la escuela",
  "在学校附近",
  null,
];

describe("the unconfirmed template and the nothing-found note", () => {
  for (const language of LANGUAGES) {
    it(`read well in ${language} for every activity, agency and place`, () => {
      for (const activity of ACTIVITIES) {
        for (const agency of AGENCIES) {
          for (const place of PLACES) {
            const facts = { zip: "94607", place, crossStreets: null, observedAt: EVENING, agency, activity };
            for (const text of [
              unconfirmedTemplate(facts, language, TZ),
              nothingFoundTemplate(facts, language, TZ),
            ]) {
              const all = `${text.headline}\n${text.smsText}\n${text.body}`;
              expect(all).not.toMatch(/\.\.|\s\.|undefined|null/);
              if (place === null) expect(text.body).toContain("94607");
              expect(text.headline.length).toBeGreaterThan(0);
            }
            const unconfirmed = unconfirmedTemplate(facts, language, TZ);
            if (language === "en") expect(unconfirmed.smsText).not.toMatch(/confirmed/i);
            expect(
              smsFits(
                {
                  kind: "sighting",
                  priority: "alert",
                  is_drill: true,
                  verifiedSighting: true,
                  sightingLabel: "unconfirmed",
                },
                language,
                unconfirmed.smsText,
                "https://aviso.example.org",
              ).segments,
            ).toBeLessThanOrEqual(4);
          }
        }
      }
    });
  }
});

describe("labels", () => {
  const base = { id: "a", priority: "alert" as const, is_drill: false, verifiedSighting: true };
  it("an UNCONFIRMED alert says so in every language; its VERIFIED update says VERIFIED", () => {
    for (const language of LANGUAGES) {
      expect(alertLabel({ ...base, kind: "sighting", sightingLabel: "unconfirmed" }, language)).toBe(
        LABELS.unconfirmed[language],
      );
      expect(alertLabel({ ...base, kind: "update", sightingLabel: "verified" }, language)).toBe(
        LABELS.verified[language],
      );
    }
    expect(labelKeys({ ...base, kind: "sighting", is_drill: true, sightingLabel: "unconfirmed" })).toEqual([
      "drill",
      "unconfirmed",
    ]);
    expect(labelKeys({ ...base, kind: "update" })).toEqual(["update"]);
    expect(labelKeys({ ...base, kind: "sighting" })).toEqual(["verified"]);
  });
});
