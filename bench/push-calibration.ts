/**
 * The machine's yardstick (issue 20): the CPU of one RFC 8291 web push encryption (ECDH, HKDF,
 * AES-128-GCM, as web-push does it for every push) of a typical alert payload. Machines of one kind
 * differ by half in speed, so the fan-out benchmark states its CPU per message against this, timed
 * in the same run.
 */
import { createECDH, randomBytes } from "node:crypto";
import webpush from "web-push";

/** About the size of a real alert's push payload (label, text, link, tag). */
const PAYLOAD = JSON.stringify({
  title: "VERIFIED: Aviso",
  body: "ICE activity reported near 8th St & Market St, 94607, 8:06 PM. Avoid the area; know your rights. Details: https://aviso.example.org/en/Ab3dE",
  url: "https://aviso.example.org/en/Ab3dE",
  tag: "alert-6f1c2e0a",
  lang: "en",
});

/** CPU milliseconds (user + system) of one encryption: the median of `rounds` timed batches. */
export function pushEncryptMs(options: { encryptions?: number; rounds?: number } = {}): number {
  const encryptions = options.encryptions ?? 1000;
  const rounds = options.rounds ?? 5;
  const browser = createECDH("prime256v1");
  browser.generateKeys();
  const p256dh = browser.getPublicKey().toString("base64url");
  const auth = randomBytes(16).toString("base64url");
  for (let i = 0; i < 200; i++) webpush.encrypt(p256dh, auth, PAYLOAD, "aes128gcm"); // warm up
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < encryptions; i++) webpush.encrypt(p256dh, auth, PAYLOAD, "aes128gcm");
    const used = process.cpuUsage(before);
    perRound.push((used.user + used.system) / 1000 / encryptions);
  }
  perRound.sort((a, b) => a - b);
  return perRound[Math.floor(perRound.length / 2)]!;
}
