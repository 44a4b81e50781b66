import type { IncomingMessage } from 'node:http';

/**
 * Cross-site request forgery and cross-site WebSocket hijacking defence: a
 * browser request that changes state, or opens a socket, must come from the
 * app's own origin or an allowed one. Browsers always send `Origin` on such
 * requests (and `Referer` as a fallback); clients that send neither are not
 * browsers, cannot carry a victim's cookie, and are let through. SameSite=Lax
 * cookies are the second layer.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = header(req, 'origin');
  const claimed = origin === undefined ? originOf(header(req, 'referer')) : origin;
  if (claimed === undefined) return true;
  if (!URL.canParse(claimed)) return false;
  // Same host as the request was addressed to (the scheme may differ behind a TLS-terminating proxy).
  return new URL(claimed).host === header(req, 'host') || allowedOrigins.includes(claimed);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The origin of a URL; 'null' (refused) for anything that does not parse. */
function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return URL.canParse(url) ? new URL(url).origin : 'null';
}
