import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { addressRange, isPublicAddress } from './outbound-address';
import { OutboundFetchError, OutboundUrlError } from './outbound.errors';

/** What this server may fetch when an operator gives it a URL (docs/security.md, "Outbound fetches"). */
export interface OutboundPolicy {
  /**
   * Production mode: https only, and only public addresses unless `allowPrivate`. Development: https, or http to
   * this machine (localhost, 127.0.0.0/8, ::1); any address.
   */
  production: boolean;
  /** CM_ALLOW_PRIVATE_URLS: in production, also fetch private, loopback and link-local addresses (on-premises servers). */
  allowPrivate: boolean;
}

export interface OutboundRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array;
  signal?: AbortSignal | null;
  /** Whole request, connection to last byte (default 5 s). */
  timeoutMs?: number;
  /** Largest response body accepted (default 1 MiB); a larger one fails as `too-large`. */
  maxBytes?: number;
}

/** How host names are resolved (dns.lookup's shape); tests give their own to play a rebinding name server. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const NULL_BODY_STATUSES = [101, 204, 205, 304];

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');
const isLoopbackName = (hostname: string) =>
  hostname.toLowerCase() === 'localhost' || (isIP(bare(hostname)) !== 0 && addressRange(bare(hostname)) === 'loopback');

/**
 * The one way this server fetches a URL that an operator configured (entitlement JWKS today; webhooks and
 * notifications next). `checkUrl` at save time refuses what can be refused from the URL alone; `fetch` checks
 * again and, in production, refuses loopback, private, link-local, unique-local, carrier-grade NAT and metadata
 * addresses on every address the host name resolves to, at connect time (so a name that resolves elsewhere later,
 * DNS rebinding, is refused too), and once more on the connected socket. Redirects are not followed; a time-out and
 * a size cap bound every fetch.
 */
export class OutboundGuard {
  constructor(
    readonly policy: OutboundPolicy,
    private readonly resolver: Resolver = dnsLookup,
  ) {}

  private get publicOnly(): boolean {
    return this.policy.production && !this.policy.allowPrivate;
  }

  /** Why this address may not be fetched, or undefined. */
  private addressRefusal(address: string): string | undefined {
    if (!this.publicOnly || isPublicAddress(address)) return undefined;
    return (
      `must not point at a ${addressRange(address)} address (${address}): in production this server fetches public ` +
      'addresses only (CM_ALLOW_PRIVATE_URLS=true allows private ones, for on-premises servers)'
    );
  }

  /**
   * Checks a URL an operator submits (save time): a URL, https (in development http to localhost too), no
   * credentials, and no refused literal address. Host names are resolved only when fetched. Returns it parsed;
   * throws OutboundUrlError with a message that completes "<field> …".
   */
  checkUrl(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(String(raw));
    } catch {
      throw new OutboundUrlError('must be a URL');
    }
    const httpAllowed = !this.policy.production && url.protocol === 'http:' && isLoopbackName(url.hostname);
    if (url.protocol !== 'https:' && !httpAllowed) {
      throw new OutboundUrlError(this.policy.production ? 'must use https' : 'must use https (http only for localhost)');
    }
    if (url.username || url.password) throw new OutboundUrlError('must not hold credentials');
    const host = bare(url.hostname);
    const refusal = isIP(host) ? this.addressRefusal(host) : undefined;
    if (refusal) throw new OutboundUrlError(refusal);
    return url;
  }

  /** The lookup the connection uses: every address the name resolves to must be allowed, or none is used. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolver(hostname, { ...(options as LookupOneOptions), all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => this.addressRefusal(a.address));
      if (refused || addresses.length === 0) {
        const reason = refused ? this.addressRefusal(refused.address)! : 'resolves to no address';
        return callback(new OutboundFetchError('refused-address', `${hostname} ${reason}`), '', 0);
      }
      if ((options as LookupAllOptions).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /**
   * Fetches `url` (fetch's answer shape, body read in full and capped). Throws OutboundFetchError for a refused
   * URL or address, a time-out, a body over the cap, or a network failure; any HTTP status is a response.
   */
  fetch(input: string | URL, init: OutboundRequestInit = {}): Promise<Response> {
    let url: URL;
    try {
      url = this.checkUrl(input);
    } catch (error) {
      return Promise.reject(new OutboundFetchError('refused-url', `${String(input)} ${(error as Error).message}`));
    }
    const maxBytes = init.maxBytes ?? DEFAULT_MAX_BYTES;
    const method = (init.method ?? 'GET').toUpperCase();
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const sent: { request?: ClientRequest } = {};
      const fail = (error: OutboundFetchError) => {
        if (settled) return;
        settled = true;
        cleanup();
        sent.request?.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new OutboundFetchError('timeout', `${url.origin} did not answer in time`)),
        init.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      );
      const onAbort = () => fail(new OutboundFetchError('timeout', `the fetch of ${url.origin} was aborted`));
      const cleanup = () => {
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
      };
      if (init.signal?.aborted) return onAbort();
      init.signal?.addEventListener('abort', onAbort);

      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, {
        method,
        headers: Object.fromEntries(new Headers(init.headers)),
        lookup: this.lookup,
        // A connection of its own: a pooled socket would skip the lookup check.
        agent: false,
      });
      sent.request = request;
      request.on('socket', (socket: Socket) => {
        // The last wall: whatever led here (a literal address, a lookup), the peer must be allowed.
        socket.once('connect', () => {
          const refusal = socket.remoteAddress ? this.addressRefusal(socket.remoteAddress) : 'has no peer address';
          if (refusal) fail(new OutboundFetchError('refused-address', `${url.hostname} ${refusal}`));
        });
      });
      request.on('error', (error) =>
        fail(error instanceof OutboundFetchError ? error : new OutboundFetchError('network', error.message, { cause: error })),
      );
      request.on('response', (answer: IncomingMessage) => {
        const declared = Number(answer.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          return fail(new OutboundFetchError('too-large', `${url.origin} answered more than ${maxBytes} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new OutboundFetchError('too-large', `${url.origin} answered more than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        answer.on('error', (error) => fail(new OutboundFetchError('network', error.message, { cause: error })));
        answer.on('end', () => {
          if (settled) return;
          const status = answer.statusCode ?? 0;
          try {
            const headers = new Headers();
            for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) headers.append(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
            const body = NULL_BODY_STATUSES.includes(status) || method === 'HEAD' ? null : Buffer.concat(chunks);
            const response = new Response(body, { status, statusText: answer.statusMessage, headers });
            settled = true;
            cleanup();
            resolve(response);
          } catch (error) {
            fail(new OutboundFetchError('bad-response', `${url.origin} answered an unusable response`, { cause: error }));
          }
        });
      });
      request.end(init.body);
    });
  }
}
