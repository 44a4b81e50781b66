import * as Y from 'yjs';
import { fragmentText } from '../../server/publishing/storyContent';
import type { TestClient } from './clients';

/** A headless editor typing numbered words (`c<i>w<n>`) into its own paragraph of the body. */
export class Typist {
  typed = 0;
  /** Every word up to this one was acknowledged as committed. */
  acknowledged = 0;
  #timer: NodeJS.Timeout | undefined;
  #client!: TestClient;
  /**
   * Per update sent and not yet acknowledged, oldest first: how many words had been typed when it was sent.
   * One connection's acks come back in the order its updates went out, so the oldest are the ones acknowledged.
   */
  #inFlight: number[] = [];

  constructor(
    readonly index: number,
    client: TestClient,
  ) {
    this.use(client);
  }

  get client(): TestClient {
    return this.#client;
  }

  /** Types on through another connection (another server): same document, new provider. */
  use(client: TestClient): void {
    this.#client = client;
    this.#inFlight = [];
    client.provider.on('change', () => {
      if (this.#client === client) this.#onProviderChange();
    });
  }

  /**
   * Words count as acknowledged as soon as every update up to theirs is, not only once nothing is in flight:
   * while typing steadily on a busy machine, something always is. `unacknowledged` also counts the provider's
   * own resends, so it never claims too much; a disconnect or a refusal throws the count away (what was in
   * flight is resent, and acknowledged as a whole once nothing is left unsaved).
   */
  #onProviderChange(): void {
    const { unacknowledged, pendingOffline, status } = this.#client.provider;
    if (pendingOffline || status !== 'connected') {
      this.#inFlight = [];
      return;
    }
    if (unacknowledged === 0) {
      this.#inFlight = [];
      this.acknowledged = this.typed;
      return;
    }
    const acked = this.#inFlight.splice(0, Math.max(0, this.#inFlight.length - unacknowledged));
    if (acked.length > 0) this.acknowledged = Math.max(this.acknowledged, acked.at(-1)!);
  }

  get text(): Y.XmlText {
    const body = this.#client.doc.getXmlFragment('body');
    for (const block of body.toArray()) {
      const element = block as Y.XmlElement;
      if (element.getAttribute('data-typist') === String(this.index)) return element.get(0) as Y.XmlText;
    }
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.setAttribute('data-typist', String(this.index));
    paragraph.insert(0, [new Y.XmlText('')]);
    body.insert(body.length, [paragraph]);
    return paragraph.get(0) as Y.XmlText;
  }

  start(everyMs = 15): void {
    this.#timer = setInterval(() => {
      const { provider } = this.#client;
      const before = provider.unacknowledged;
      this.typed++;
      const text = this.text;
      text.insert(text.length, `${this.word(this.typed)} `);
      // Sent at once when connected (the paragraph, the first time, in an update of its own).
      for (let sent = provider.unacknowledged - before; sent > 0; sent--) this.#inFlight.push(this.typed);
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  word(n: number): string {
    return `c${this.index}w${n}`;
  }

  /** Every word this typist has typed, in order. */
  allWords(): string[] {
    return Array.from({ length: this.typed }, (_, n) => this.word(n + 1));
  }
}

/** The words of one typist's paragraph in `doc`. */
export function wordsOf(doc: Y.Doc, typist: Typist): string[] {
  const body = doc.getXmlFragment('body');
  const paragraph = body.toArray().find((b) => (b as Y.XmlElement).getAttribute('data-typist') === String(typist.index));
  return paragraph
    ? fragmentText(paragraph as unknown as Y.XmlFragment)
        .split(' ')
        .filter(Boolean)
    : [];
}
