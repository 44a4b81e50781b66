/**
 * Where a webhook may be sent (docs/webhooks.md#where-deliveries-may-go): never to this machine, the private
 * network or link-local, multicast and reserved addresses (server-side request forgery), unless
 * WEBHOOK_ALLOW_PRIVATE says so. A URL is checked when it is registered and its host's addresses again at
 * every delivery, at connection time, so a name that resolves elsewhere later (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address (v4 or v6, an IPv4-mapped v6 one as its v4) is one webhooks may not reach. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a URL's host may not be sent to, or null. Names resolve here; one that does not is left to delivery. */
export async function addressRefusal(url: URL, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'This URL points at this server';
  if (isIP(host)) return isPrivateAddress(host) ? 'This URL points at a private or reserved address' : null;
  const addresses = await resolve(host).catch(() => []);
  return addresses.some(isPrivateAddress) ? `${host} resolves to a private or reserved address` : null;
}

const resolve = (host: string) =>
  new Promise<string[]>((done, fail) =>
    dnsLookup(host, { all: true }, (error, found) => (error ? fail(error) : done(found.map((a) => a.address)))),
  );

/**
 * The DNS lookup a delivery connects with: it refuses the connection when any address the name has is
 * private, so what is checked is what is connected to. (A literal IP is checked by `addressRefusal`.)
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = !allowPrivate && addresses.find((a) => isPrivateAddress(a.address));
      if (refused) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to a private or reserved address (${refused.address})`), {
            code: 'EWEBHOOKADDRESS',
          }),
          '',
          0,
        );
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
