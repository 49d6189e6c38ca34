/**
 * The network a client address stands for, as the sign-in limits count it. An IPv4 address is
 * itself; an IPv6 address is its /64, because one host (a home router's prefix, a cloud VM) holds
 * a whole /64 and can take a new address for every request; an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, how a dual-stack socket reports IPv4) is the IPv4 address it maps.
 * Anything else (no address known, a header holding junk) is counted as the text it is.
 */
import {
  convertIPv4BinaryToString,
  convertIPv4MappedIPv6ToIPv4,
  convertIPv4ToBinary,
  convertIPv6BinaryToString,
  convertIPv6ToBinary,
  distinctRemoteAddr,
  isIPv4MappedIPv6,
} from "hono/utils/ipaddr";

const PREFIX_64 = ((1n << 64n) - 1n) << 64n;

export function clientNetwork(address: string): string {
  const value = address.trim().toLowerCase();
  try {
    if (distinctRemoteAddr(value) === "IPv4") return convertIPv4BinaryToString(convertIPv4ToBinary(value));
    if (distinctRemoteAddr(value) === "IPv6") {
      // A zone id (fe80::1%eth0) names the interface, not another network.
      const binary = convertIPv6ToBinary(value.split("%")[0]!);
      if (isIPv4MappedIPv6(binary)) return convertIPv4BinaryToString(convertIPv4MappedIPv6ToIPv4(binary));
      return `${convertIPv6BinaryToString(binary & PREFIX_64)}/64`;
    }
  } catch {
    // Not an address after all: counted as its text, below.
  }
  return value.slice(0, 100) || "unknown";
}
