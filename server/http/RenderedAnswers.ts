import type { Request, RequestHandler, Response } from 'express';
import { LIMITS } from '../../shared/limits';
import type { PublicationStore } from '../persistence/PublicationStore';
import type { SiteSettingsStore } from '../persistence/SiteSettingsStore';
import { type PreparedAnswer, prepareAnswer, type Representation, sendPrepared } from './cacheable';

/**
 * The public site's rendered answers, kept in memory by address: a hit costs two small reads (the version below),
 * no render and no hash. An answer is kept while the site's version stands still: the store's publicationsVersion
 * (every write to the public pages and their old addresses) and the time the site's settings were saved. Both are
 * read from the store at every request, never remembered, so a change made on any node shows at the next request
 * on every node, and nothing has to be told to forget. The version is read before rendering: an answer kept under
 * a version was rendered from that state or a newer one, and a newer one has a new version, so it is never served.
 *
 * Bounded by count and by bytes (least recently used go first); concurrent misses for one address and version
 * share one render. Only successful answers are kept: errors and redirects (`Uncached`) are sent as they are.
 */

/** Writes an answer that is not kept (an error, a redirect) to one response. */
export type Uncached = (res: Response) => void;

/**
 * What a route renders. `keepUntil` (ms since the epoch) is for answers that change with the clock and not only
 * with writes (the news sitemap's two-day window): past it they are rendered again.
 */
export type Rendered = (Representation & { keepUntil?: number }) | Uncached;

type Entry = { answer: PreparedAnswer; size: number; keepUntil: number | undefined };

type Store = Pick<PublicationStore, 'publicationsVersion'> & Pick<SiteSettingsStore, 'getSiteSettings'>;

export type RenderedAnswersOptions = { maxEntries?: number; maxBytes?: number; now?: () => number };

export class RenderedAnswers {
  /** By address, least recently used first (a Map keeps insertion order). */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  /** The version every kept entry was rendered at. */
  #version: string | undefined;
  /** Renders under way, by version and address. */
  readonly #flights = new Map<string, Promise<PreparedAnswer | Uncached>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #store: Store;
  /** The origin is part of every address: pages and feeds carry absolute URLs built from it. */
  readonly #publicOrigin: (req: Request) => string;

  constructor(store: Store, publicOrigin: (req: Request) => string, options: RenderedAnswersOptions = {}) {
    this.#store = store;
    this.#publicOrigin = publicOrigin;
    this.#maxEntries = options.maxEntries ?? LIMITS.renderedAnswersMax;
    this.#maxBytes = options.maxBytes ?? LIMITS.renderedAnswersMaxBytes;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sends the kept answer for this request's address, or renders, keeps and sends it. `query` names the query
   * parameters `render` reads: they are part of the address, every other parameter is not (`utm_*` and the like).
   */
  async send(req: Request, res: Response, render: () => Promise<Rendered>, query: readonly string[] = []): Promise<void> {
    const key = this.#key(req, query);
    const version = await this.#currentVersion();
    const kept = this.#get(version, key);
    const answer = kept ?? (await this.#renderOnce(version, key, render));
    if (typeof answer === 'function') return answer(res);
    sendPrepared(req, res, answer);
  }

  /**
   * A route's handler: `router.get(path, answers.route(async (req) => render(req)))`, or with the query
   * parameters the render reads first: `answers.route(['page'], …)`.
   */
  route(render: (req: Request) => Promise<Rendered>): RequestHandler;
  route(query: readonly string[], render: (req: Request) => Promise<Rendered>): RequestHandler;
  route(
    queryOrRender: readonly string[] | ((req: Request) => Promise<Rendered>),
    render?: (req: Request) => Promise<Rendered>,
  ): RequestHandler {
    const [query, renderer] = typeof queryOrRender === 'function' ? [[], queryOrRender] : [queryOrRender, render!];
    return (req, res) => this.send(req, res, () => renderer(req), query);
  }

  /** Path and the named parameters as the route reads them (arrays included); method-independent. */
  #key(req: Request, query: readonly string[]): string {
    const path = req.originalUrl.split('?', 1)[0];
    const params = query.length === 0 ? '' : JSON.stringify(query.map((name) => req.query[name] ?? null));
    return `${this.#publicOrigin(req)} ${path} ${params}`;
  }

  async #currentVersion(): Promise<string> {
    const [publications, site] = await Promise.all([this.#store.publicationsVersion(), this.#store.getSiteSettings()]);
    return `${publications} ${site?.updatedAt ?? ''}`;
  }

  #get(version: string, key: string): PreparedAnswer | undefined {
    if (version !== this.#version) {
      // Everything kept was rendered at another version: none of it may be sent again.
      this.#entries.clear();
      this.#bytes = 0;
      this.#version = version;
      return undefined;
    }
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.keepUntil !== undefined && this.#now() >= entry.keepUntil) {
      this.#bytes -= entry.size;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.answer;
  }

  #renderOnce(version: string, key: string, render: () => Promise<Rendered>): Promise<PreparedAnswer | Uncached> {
    // A request that read a newer version must not wait for a render of the older one: the version is in the name.
    const name = `${version}\n${key}`;
    let flight = this.#flights.get(name);
    if (!flight) {
      flight = this.#render(version, key, render).finally(() => this.#flights.delete(name));
      this.#flights.set(name, flight);
    }
    return flight;
  }

  async #render(version: string, key: string, render: () => Promise<Rendered>): Promise<PreparedAnswer | Uncached> {
    const rendered = await render();
    if (typeof rendered === 'function') return rendered;
    const answer = prepareAnswer(rendered);
    this.#keep(version, key, { answer, size: answer.body.length + key.length, keepUntil: rendered.keepUntil });
    return answer;
  }

  #keep(version: string, key: string, entry: Entry): void {
    // Another request saw a newer version while this one rendered: what it kept is for that one.
    if (version !== this.#version || entry.size > this.#maxBytes) return;
    const before = this.#entries.get(key);
    if (before) this.#bytes -= before.size;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#bytes += entry.size;
    for (const [oldest, { size }] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= size;
    }
  }
}
