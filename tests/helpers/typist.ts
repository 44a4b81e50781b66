import * as Y from 'yjs';
import { fragmentText } from '../../server/publishing/renderStory';
import type { TestClient } from './clients';

/** A headless editor typing numbered words (`c<i>w<n>`) into its own paragraph of the body. */
export class Typist {
  typed = 0;
  /** Every word up to this one was acknowledged as committed. */
  acknowledged = 0;
  #timer: NodeJS.Timeout | undefined;
  #client!: TestClient;

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
    client.provider.on('change', () => {
      if (this.#client !== client) return;
      const { unacknowledged, pendingOffline, status } = client.provider;
      if (unacknowledged === 0 && !pendingOffline && status === 'connected') this.acknowledged = this.typed;
    });
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
      this.typed++;
      const text = this.text;
      text.insert(text.length, `${this.word(this.typed)} `);
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
