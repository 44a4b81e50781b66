/**
 * Shared between the benchmark parent (bench/bench.ts) and its load generator
 * (bench/peers/loadgen.ts): the servers compared, the commands the parent sends
 * and the results the load generator answers with.
 */
import * as Y from 'yjs';

/** `galley-yjs`: the same Galley server, with the stock y-websocket client on its `/yjs` endpoint. */
export const SERVER_KINDS = [
  'galley',
  'galley-yjs',
  'y-websocket',
  'hocuspocus',
  'ws-relay',
  'socketio-relay',
  'socketio-1frame-relay',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** The kinds that run the Galley server (signed in, stories created over HTTP). */
export const isGalley = (kind: ServerKind): kind is 'galley' | 'galley-yjs' => kind === 'galley' || kind === 'galley-yjs';

/** Where the load generator's clients connect. Galley: one or more node URLs and a session cookie. */
export type Target = { kind: ServerKind; urls: string[]; cookie?: string };

/** Typing: `writers: 'one'` is W1 (client 0 appends, the rest read), `'all'` is W2 (everyone types at random places). */
export type TypeCommand = {
  op: 'type';
  target: Target;
  room: string;
  clients: number;
  seconds: number;
  rate: number;
  writers: 'one' | 'all';
};
export type IdleCommand = { op: 'idle'; target: Target; rooms: string[]; perRoom: number; idleMs: number; afterCloseMs: number };
export type ColdOpenCommand = { op: 'coldOpen'; target: Target; room: string; edits: number; opens: number };
export type PublishCommand = { op: 'publish'; url: string; cookie: string; storyId: string; words: number; runs: number };
/** W8: client 0 pastes `bytes` of text in one update, `pastes` times, `intervalMs` apart; the others read. */
export type PasteCommand = {
  op: 'paste';
  target: Target;
  room: string;
  clients: number;
  pastes: number;
  bytes: number;
  intervalMs: number;
};
/** W9: every client moves its caret (awareness state only, no edits) `rate` times a second. */
export type AwarenessCommand = { op: 'awareness'; target: Target; room: string; clients: number; seconds: number; rate: number };
/** W10: `connections` idle clients over `rooms`; then (mark 'restart') the parent restarts the server and every client must come back. */
export type ConnectionsCommand = {
  op: 'connections';
  target: Target;
  rooms: string[];
  connections: number;
  /** Idle time after the last connect, before the memory sample. */
  settleMs: number;
  backWithinMs: number;
};
export type LoadCommand =
  TypeCommand | IdleCommand | ColdOpenCommand | PublishCommand | PasteCommand | AwarenessCommand | ConnectionsCommand;

export type Stats = { n: number; p50: number; p99: number; max: number };

export type TypeResult = {
  clients: number;
  seconds: number;
  sent: number;
  expected: number;
  deliveries: number;
  missing: number;
  converged: boolean;
  latency: Stats;
  /** Galley only: local insert → the server's durable acknowledgement. */
  ack: Stats | null;
  loadgenCpu: number;
};
export type IdleResult = { rooms: number; connections: number; connectMs: number };
export type ColdOpenResult = {
  edits: number;
  /** Galley: until every edit is acknowledged as durable; peers without acks: until a second client has them all. */
  ingestPerSecond: number;
  ingestMeasuredBy: 'durable acks' | 'second client';
  /** For every server: until a second, connected client has seen every edit. */
  seenPerSecond: number;
  docBytes: number;
  opens: number[];
};
export type PublishResult = { words: number; runs: number[] };
export type PasteResult = {
  clients: number;
  pastes: number;
  bytes: number;
  expected: number;
  missing: number;
  converged: boolean;
  latency: Stats;
};
export type AwarenessResult = {
  clients: number;
  seconds: number;
  sent: number;
  expected: number;
  deliveries: number;
  missing: number;
  latency: Stats;
  loadgenCpu: number;
};
export type ConnectionsResult = {
  rooms: number;
  connections: number;
  connectMs: number;
  /** Clients that noticed the restart (lost their sync). */
  dropped: number;
  /** Clients synced again before `backWithinMs` ran out. */
  back: number;
  /** Per client back, ms from the moment the restarted server listened until it was synced again. */
  backAfterMs: number[];
};
export type LoadResult = TypeResult | IdleResult | ColdOpenResult | PublishResult | PasteResult | AwarenessResult | ConnectionsResult;

export function stats(values: number[]): Stats {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : 0 };
}

/** The text of the body's first paragraph, made the way Galley's editor shapes a story (same layout for every server). */
export function bodyText(doc: Y.Doc): Y.XmlText {
  const body = doc.getXmlFragment('body');
  return (body.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

export function hasBody(doc: Y.Doc): boolean {
  const first = doc.getXmlFragment('body').get(0);
  return first instanceof Y.XmlElement && first.get(0) instanceof Y.XmlText;
}

export function initBody(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    doc.getXmlFragment('body').insert(0, [paragraph]);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms))),
  ]);
}
