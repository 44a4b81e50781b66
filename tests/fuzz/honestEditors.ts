/**
 * Two honest editors (the app's own socket and provider code) who stay in the honest story for the
 * whole run. After each batch they take turns: one rewrites the story's last paragraph, waits for the
 * server's acknowledgement, and the other must see it.
 */
import type * as Y from 'yjs';
import { connectClient, type TestClient } from '../helpers/clients';
import type { TestUser } from '../helpers/testServer';
import { ContentModel } from './contentModel';
import { STORY_IDS } from './targets';
import { withTimeout } from './withTimeout';

/** How long an honest edit may take to be acknowledged, or to reach the other editor. */
export const HONEST_EDIT_MS = 10_000;

export class HonestEditors {
  readonly model = new ContentModel();
  /** Times the server dropped an honest editor's connection since the last `takeDisconnects`. */
  #disconnects: string[] = [];
  #round = 0;

  private constructor(readonly editors: readonly [TestClient, TestClient]) {
    editors.forEach((editor, i) =>
      editor.provider.socket.on('disconnect', (reason) => this.#disconnects.push(`${i === 0 ? 'Ana' : 'Ben'}: ${reason}`)),
    );
  }

  /** Ana writes the known content; Ben joins and must receive it. */
  static async join(url: string, ana: TestUser, ben: TestUser): Promise<HonestEditors> {
    const first = await withTimeout(connectClient({ url }, ana, STORY_IDS.honest), HONEST_EDIT_MS, 'Ana joining the honest story');
    const second = await withTimeout(connectClient({ url }, ben, STORY_IDS.honest), HONEST_EDIT_MS, 'Ben joining the honest story');
    const editors = new HonestEditors([first, second]);
    editors.model.seed(first.doc);
    first.provider.awareness.setLocalStateField('field', 'body');
    second.provider.awareness.setLocalStateField('field', 'headline');
    await withTimeout(first.provider.whenSaved(), HONEST_EDIT_MS, 'the known content being saved');
    await editors.#seenBy(second, 'Ben receiving the known content');
    return editors;
  }

  /** Each editor in turn rewrites the last paragraph; its ack and its arrival at the other are awaited. */
  async editRound(): Promise<void> {
    this.#round++;
    const [ana, ben] = this.editors;
    await this.#edit(ana, ben, `Ana's paragraph ${this.#round}.`);
    await this.#edit(ben, ana, `Ben's paragraph ${this.#round}.`);
  }

  async #edit(author: TestClient, reader: TestClient, text: string): Promise<void> {
    this.model.rewriteLast(author.doc, text);
    await withTimeout(author.provider.whenSaved(), HONEST_EDIT_MS, `the acknowledgement of "${text}"`);
    await this.#seenBy(reader, `"${text}" reaching the other editor`);
  }

  async #seenBy(reader: TestClient, what: string): Promise<void> {
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => {
          if (this.model.differences(reader.doc).length > 0) return;
          reader.doc.off('update', check);
          resolve();
        };
        reader.doc.on('update', check);
        check();
      }),
      HONEST_EDIT_MS,
      what,
      () => this.model.differences(reader.doc).join('; '),
    );
  }

  /** The server dropped an honest connection (while it was up): returns and forgets what happened. */
  takeDisconnects(): string[] {
    return this.#disconnects.splice(0);
  }

  /** Both editors' documents, for comparing with the model. */
  get docs(): Y.Doc[] {
    return this.editors.map((e) => e.doc);
  }

  close(): void {
    for (const editor of this.editors) editor.close();
  }
}
