/**
 * Which addresses count as "the local network". PeerCache never talks to anything else, so this
 * classification guards settings validation (here) and the libp2p connection gater (src/p2p).
 *
 * LAN = RFC 1918 private IPv4, loopback, IPv4/IPv6 link-local, IPv6 unique-local (RFC 4193).
 * Not LAN: carrier-grade NAT 100.64.0.0/10 (RFC 6598: the ISP's network, not yours), public
 * addresses, and DNS names (a name can resolve anywhere; dial IP literals only).
 */

/** Parses a dotted-quad IPv4 address strictly (no leading zeros, no shorthand). */
export function parseIPv4(text: string): [number, number, number, number] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out as [number, number, number, number];
}

/** Parses an IPv6 address (with `::` compression and an optional dotted IPv4 tail) into 8 groups. */
export function parseIPv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** True for an IPv4 literal on the local network (private, loopback or link-local). */
export function isLanIPv4(text: string): boolean {
  const ip = parseIPv4(text);
  if (!ip) return false;
  const [a, b] = ip;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** True for an IPv6 literal on the local network (loopback, fe80::/10, fc00::/7, or IPv4-mapped LAN). */
export function isLanIPv6(text: string): boolean {
  const g = parseIPv6(text);
  if (!g) return false;
  const first = g[0] as number;
  if (g.every((x, i) => (i < 7 ? x === 0 : x === 1))) return true; // ::1
  if ((first & 0xffc0) === 0xfe80) return true;
  if ((first & 0xfe00) === 0xfc00) return true;
  // ::ffff:a.b.c.d is the IPv4 address in disguise: judge that address.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const hi = g[6] as number;
    const lo = g[7] as number;
    return isLanIPv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return false;
}

/** A LAN node address a browser can dial: WebSockets over an IP literal on the LAN. */
export interface LanMultiaddr {
  readonly family: 4 | 6;
  readonly ip: string;
  readonly port: number;
  readonly secure: boolean;
  readonly peerId?: string;
}

/**
 * Parses `/ip4|ip6/<LAN ip>/tcp/<port>/ws|wss|tls/ws[/p2p/<id>]`.
 * Returns a reason string instead when the address is not acceptable.
 */
export function parseLanMultiaddr(text: string): LanMultiaddr | string {
  const parts = text.trim().split('/');
  if (parts[0] !== '') return 'must start with "/", e.g. /ip4/192.168.1.10/tcp/4002/ws';
  const [, proto, ip, tcp, portText, ...rest] = parts;
  if (proto !== 'ip4' && proto !== 'ip6') {
    return proto === 'dns' || proto === 'dns4' || proto === 'dns6' || proto === 'dnsaddr'
      ? 'must use an IP address, not a DNS name (a name could resolve outside the LAN)'
      : 'must start with /ip4/ or /ip6/';
  }
  const family = proto === 'ip4' ? 4 : 6;
  const valid = family === 4 ? parseIPv4(ip ?? '') : parseIPv6(ip ?? '');
  if (!valid) return `"${ip ?? ''}" is not a valid IPv${family} address`;
  const lan = family === 4 ? isLanIPv4(ip as string) : isLanIPv6(ip as string);
  if (!lan) return `${ip as string} is not a local-network address (PeerCache only talks to private, link-local or loopback addresses)`;
  if (tcp !== 'tcp' || !/^[1-9][0-9]{0,4}$/.test(portText ?? '') || Number(portText) > 65535) {
    return 'must name a TCP port, e.g. /tcp/4002';
  }
  let i = 0;
  let secure = false;
  if (rest[i] === 'ws') i++;
  else if (rest[i] === 'wss') { secure = true; i++; }
  else if (rest[i] === 'tls' && rest[i + 1] === 'ws') { secure = true; i += 2; }
  else return 'must end in /ws or /wss: browsers reach LAN nodes over WebSockets';
  let peerId: string | undefined;
  if (rest[i] === 'p2p') {
    peerId = rest[i + 1];
    if (!peerId || !/^[1-9A-HJ-NP-Za-km-z]{20,128}$/.test(peerId)) return 'has a malformed /p2p/ peer id';
    i += 2;
  }
  if (i !== rest.length) return `has unexpected parts after the address: /${rest.slice(i).join('/')}`;
  return { family, ip: ip as string, port: Number(portText), secure, ...(peerId ? { peerId } : {}) };
}
