/**
 * Which client a request counts as, for limits per client address: an IPv4 address as itself, an
 * IPv6 address by its /64. One IPv6 subscriber line or host is given a /64 (RFC 6177, RFC 7421)
 * and may use any of its 2^64 addresses, so counting each address would let one client cycle past
 * any per-address limit. An IPv4-mapped IPv6 address (`::ffff:198.51.100.7`, as a dual-stack socket
 * reports an IPv4 client) is that IPv4 address. Anything that is not an address (`unknown`) is
 * counted as written. Pure string work, no node:net: it runs in the Worker too.
 */

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function clientKey(address: string): string {
  // Some proxies write the client's port too ("198.51.100.7:5123", "[2001:db8::1]:5123").
  const trimmed = address
    .trim()
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d{1,5}$/, "$1")
    .replace(/^\[([^\]]+)\]:\d{1,5}$/, "$1");
  if (IPV4.test(trimmed)) return trimmed;
  const groups = ipv6Groups(trimmed);
  if (!groups) return trimmed;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return `${compress(groups.slice(0, 4))}/64`;
}

/** The eight 16-bit groups of an IPv6 address (brackets and a zone id allowed), or undefined. */
function ipv6Groups(input: string): number[] | undefined {
  const address = input.replace(/^\[(.*)\]$/, "$1").replace(/%[^%]*$/, "");
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(":")) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        if (!IPV4.test(piece)) return undefined;
        const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else return undefined;
    }
    return out;
  };
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined;
}

/** The first four groups as the /64's prefix, written as RFC 5952 writes an address. */
function compress(prefix: number[]): string {
  const groups = [...prefix, 0, 0, 0, 0];
  // The longest run of two or more zero groups becomes "::" (the host half is always such a run
  // or part of one).
  let best = { at: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  const left = hex.slice(0, best.at).join(":");
  const right = hex.slice(best.at + best.length).join(":");
  return `${left}::${right}`;
}
