/**
 * What counts as one email address, and as one mailbox. Someone can type anyone's address, so a
 * confirmation mail must go to one mailbox once, however the address is written: `a<victim@…>`
 * and `x,victim@…` are what a mail library reads as a display name and a list, and each used to
 * be a new subscriber whose mail reached the same person.
 *
 * - An address is parsed by an RFC 5322 parser (email-addresses; pure JS, so the Worker can run
 *   it) and accepted only when it is a single addr-spec: no display name, angle brackets, group,
 *   list, comment or folding white space. A quoted local part is read for what it says
 *   (`"victim"@x` is `victim@x`, RFC 5321 §4.1.2) and must then be a dot-atom. ASCII only (after
 *   NFKC, so full-width characters typed on a phone become ASCII); the domain is host names
 *   (letters, digits, hyphens), at least two labels, an alphabetic or xn-- top-level domain: no
 *   address literal, no trailing dot. Whether the mailbox exists is what the confirmation settles.
 * - The canonical address is lower-cased whole. Domains are case-insensitive; a local part may in
 *   principle be case-sensitive (RFC 5321 §2.4), but no mail service in use treats `Ana@` and
 *   `ana@` as two people, and treating them as two would let a stranger mail one person twice.
 *   Aviso stores, indexes and mails the lower-cased form (as it already stored it).
 * - The mailbox key is coarser, for limiting mails only: it also drops a `+tag` (subaddress,
 *   RFC 5233, which Gmail, Outlook, iCloud, Fastmail and Proton deliver to the same mailbox) and,
 *   at gmail.com / googlemail.com, the dots Gmail ignores. The subscriber keeps the address given.
 */
import emailAddresses from "email-addresses";

const DOT_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const GMAIL = new Set(["gmail.com", "googlemail.com"]);

/** The canonical form of a single addr-spec (see above), or undefined when it is not one. */
export function canonicalEmail(input: string): string | undefined {
  const text = input.normalize("NFKC").trim();
  if (text.length === 0 || text.length > 254 || !/^[\x21-\x7e]+$/.test(text)) return undefined;
  const parsed = addrSpec(text);
  if (!parsed) return undefined;
  const local = parsed.local;
  const domain = parsed.domain.toLowerCase();
  if (local.length > 64 || !DOT_ATOM.test(local)) return undefined;
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  if (!TOP_LEVEL.test(labels.at(-1) ?? "")) return undefined;
  return `${local}@${domain}`.toLowerCase();
}

/**
 * Whether a string is exactly one addr-spec, nothing around it: what the email sender insists on
 * before handing an address to the mail library, which would read `a<b@x>` or `a,b@x` as a name
 * and an address, or a list (an address stored before sign-up parsed addresses).
 */
export function isSingleAddrSpec(input: string): boolean {
  // A dot-atom at a host name is a single addr-spec (its characters include no angle bracket,
  // comma, quote, parenthesis or space), and it is how every canonical address is written: the
  // sender checks each mail it sends, and the parser costs tens of microseconds a mail.
  if (CANONICAL_SHAPE.test(input)) return true;
  return /^[\x21-\x7e]+$/.test(input) && addrSpec(input) !== undefined;
}

const CANONICAL_SHAPE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/i;

function addrSpec(text: string): { local: string; domain: string } | undefined {
  const parsed = emailAddresses.parseOneAddress({ input: text, rfc6532: false, rejectTLD: true });
  if (parsed?.type !== "mailbox" || parsed.name !== null) return undefined;
  // The addr-spec must be the whole input: no angle brackets, comments or white space around it.
  if (parsed.parts.comments.length > 0 || parsed.parts.address.tokens !== text) return undefined;
  return { local: parsed.local, domain: parsed.domain };
}

/** The mailbox a canonical address reaches, for limiting mails to it (not for sending). */
export function mailboxKey(canonical: string): string {
  const at = canonical.lastIndexOf("@");
  let local = canonical.slice(0, at);
  let domain = canonical.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL.has(domain)) {
    local = local.replaceAll(".", "");
    domain = "gmail.com";
  }
  return `${local}@${domain}`;
}
