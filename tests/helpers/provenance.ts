import * as Y from 'yjs';
import { fromBase64 } from 'lib0/buffer';
import { originalAuthors, readProvenance } from '../../shared/provenance';
import type { StoryField } from '../../shared/story';
import { call } from './http';
import type { TestServer, TestUser } from './testServer';

/**
 * A field's visible text in runs of one first author, `[text, userId]`, resolved as "Who wrote this?"
 * resolves it: the provenance record, else the owner the server bound the client id to.
 */
export function writtenBy(doc: Y.Doc, field: StoryField, owners: ReadonlyMap<number, string>): Array<[string, string]> {
  const index = readProvenance(doc);
  const runs: Array<[string, string]> = [];
  const walk = (parent: Y.XmlFragment | Y.XmlElement) => {
    for (const child of parent.toArray()) {
      if (child instanceof Y.XmlElement) walk(child);
      if (!(child instanceof Y.XmlText)) continue;
      for (let item = child._start; item; item = item.right) {
        if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
        const { client, clock } = item.id;
        for (const part of originalAuthors(index, client, clock, item.length)) {
          const text = item.content.str.slice(part.clock - clock, part.clock - clock + part.length);
          const author = part.author ?? owners.get(client) ?? `unbound client ${client}`;
          const last = runs.at(-1);
          if (last && last[1] === author) last[0] += text;
          else runs.push([text, author]);
        }
      }
    }
  };
  walk(doc.getXmlFragment(field));
  return runs;
}

/** A saved version's document, as "Restore this version" rebuilds it from the API. */
export async function versionDoc(server: TestServer, storyId: string, number: number, user: TestUser): Promise<Y.Doc> {
  const answer = await call(server, 'GET', `/api/stories/${storyId}/revisions/${number}`, { user });
  if (answer.status !== 200) throw new Error(`revision ${number}: ${answer.status}`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(answer.body.revision.docState as string));
  return doc;
}

/** Saves a named version of the story as it is now; resolves to its number. */
export async function saveVersion(server: TestServer, storyId: string, user: TestUser, name: string): Promise<number> {
  const answer = await call(server, 'POST', `/api/stories/${storyId}/versions`, { user, body: { name } });
  if (answer.status !== 201) throw new Error(`saving a version: ${answer.status} ${answer.text}`);
  return answer.body.revision.number as number;
}
