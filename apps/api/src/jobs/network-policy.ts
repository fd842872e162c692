import { lookup as dnsLookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not reachable on the public internet (or `public`). */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared' // RFC 6598 carrier-grade NAT
  | 'link_local'
  | 'metadata'
  | 'unique_local'
  | 'multicast'
  | 'reserved';

interface Ipv4Range {
  base: number;
  bits: number;
  kind: AddressClass;
}

const IPV4_RANGES: Ipv4Range[] = [
  { base: ipv4ToInt('169.254.169.254'), bits: 32, kind: 'metadata' },
  { base: ipv4ToInt('0.0.0.0'), bits: 8, kind: 'unspecified' },
  { base: ipv4ToInt('127.0.0.0'), bits: 8, kind: 'loopback' },
  { base: ipv4ToInt('10.0.0.0'), bits: 8, kind: 'private' },
  { base: ipv4ToInt('172.16.0.0'), bits: 12, kind: 'private' },
  { base: ipv4ToInt('192.168.0.0'), bits: 16, kind: 'private' },
  { base: ipv4ToInt('100.64.0.0'), bits: 10, kind: 'shared' },
  { base: ipv4ToInt('169.254.0.0'), bits: 16, kind: 'link_local' },
  { base: ipv4ToInt('192.0.0.0'), bits: 24, kind: 'reserved' },
  { base: ipv4ToInt('198.18.0.0'), bits: 15, kind: 'reserved' },
  { base: ipv4ToInt('224.0.0.0'), bits: 4, kind: 'multicast' },
  { base: ipv4ToInt('240.0.0.0'), bits: 4, kind: 'reserved' },
];

/** Host names that resolve to the machine itself or to cloud metadata services, whatever DNS says. */
const LOCAL_HOST_NAMES = /(^|\.)(localhost|localdomain|local|internal|home\.arpa)$/;
const METADATA_HOST_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function classifyIpv4(address: string): AddressClass {
  const value = ipv4ToInt(address);
  for (const range of IPV4_RANGES) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.base && value < range.base + size) return range.kind;
  }
  return 'public';
}

/** Expands an IPv6 literal (possibly with an embedded IPv4 tail) to eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const v4 = ipv4ToInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups].map((group) => parseInt(group, 16));
}

export function classifyIpv6(address: string): AddressClass {
  const g = ipv6Groups(address);
  const embeddedV4 = () => `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return classifyIpv4(embeddedV4());
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(embeddedV4());
  if (g[0] === 0x2002) return classifyIpv4(`${g[1] >> 8}.${g[1] & 0xff}.${g[2] >> 8}.${g[2] & 0xff}`);
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique_local';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link_local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved';
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved'; // discard prefix
  return 'public';
}

/** Classifies an IP literal; undefined when `host` is a name, not an address. */
export function classifyAddress(host: string): AddressClass | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv4(bare)) return classifyIpv4(bare);
  if (isIPv6(bare)) return classifyIpv6(bare);
  return undefined;
}

/** Classifies what a URL host points at, as far as it can be known without DNS. */
export function classifyHost(host: string): AddressClass {
  const address = classifyAddress(host);
  if (address !== undefined) return address;
  const name = host.toLowerCase().replace(/\.+$/, '');
  if (name === '' || name === 'localhost' || LOCAL_HOST_NAMES.test(name)) return name.includes('localhost') || name === '' ? 'loopback' : 'private';
  if (METADATA_HOST_NAMES.has(name)) return 'metadata';
  return 'public';
}

export interface CallbackUrlPolicy {
  allowPrivateNetworks: boolean;
}

/**
 * Checks a callback URL at validation time: http(s) only, no credentials, and (unless
 * private networks are allowed) no loopback, private, link-local or metadata host.
 * Returns a message naming the problem, or undefined when the URL is acceptable.
 * A DNS name that resolves to a private address is caught later, when the call is made.
 */
export function checkCallbackUrl(text: string, policy: CallbackUrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url must use http or https, not ${url.protocol.slice(0, -1)}`;
  if (url.username !== '' || url.password !== '') return 'url must not contain credentials; use target.headers';
  if (url.hostname === '') return 'url must name a host';
  if (policy.allowPrivateNetworks) return undefined;
  const kind = classifyHost(url.hostname);
  if (kind === 'public') return undefined;
  return `url points to a ${kind.replace('_', '-')} address (${url.hostname}); callbacks to private networks are disabled (CALLBACK_ALLOW_PRIVATE_NETWORKS)`;
}

/** One answer of `dns.lookup(host, { all: true })`. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** `dns.lookup` with `all: true`, as a promise: the seam tests replace to simulate DNS answers. */
export type CallbackResolver = (hostname: string, options: { family?: number; hints?: number }) => Promise<ResolvedAddress[]>;

export const systemResolver: CallbackResolver = (hostname, options) =>
  dnsLookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints });

/** A call refused at connect time because the address it would reach is not public. */
export class PrivateNetworkRefusedError extends Error {
  readonly code = 'ZER08_PRIVATE_NETWORK_REFUSED';

  constructor(
    readonly address: string,
    readonly kind: AddressClass,
    readonly host: string,
  ) {
    const via = host === address || host === `[${address}]` ? '' : ` (${host} resolved to it)`;
    super(
      `callback address ${address} is refused by the private-network policy: ${kind.replace('_', '-')} address${via}; ` +
        'set CALLBACK_ALLOW_PRIVATE_NETWORKS=true to allow it',
    );
    this.name = 'PrivateNetworkRefusedError';
  }
}

/** The refusal for an IP-literal URL host (net.connect never calls `lookup` for those), or undefined. */
export function refuseLiteralHost(hostname: string): PrivateNetworkRefusedError | undefined {
  const kind = classifyAddress(hostname);
  if (kind === undefined || kind === 'public') return undefined;
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return new PrivateNetworkRefusedError(bare, kind, hostname);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect (undici `Agent({ connect: { lookup } })`) that resolves the
 * name once, refuses the connection if ANY answer is a non-public address, and hands exactly
 * the checked answers to the socket: the address connected to is the address checked, so a
 * name that rebinds to 127.0.0.1 after validation cannot get through.
 */
export function guardedLookup(resolver: CallbackResolver = systemResolver) {
  return (hostname: string, options: { family?: number; hints?: number; all?: boolean }, callback: LookupCallback): void => {
    resolver(hostname, { family: options.family, hints: options.hints }).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          return callback(error, '');
        }
        for (const { address } of addresses) {
          const kind = classifyAddress(address) ?? 'reserved';
          if (kind !== 'public') return callback(new PrivateNetworkRefusedError(address, kind, hostname), '');
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
