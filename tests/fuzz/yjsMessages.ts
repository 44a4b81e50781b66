/**
 * Plausible Yjs traffic, made from seeded local documents so a seed makes the same bytes: updates
 * (whole states, single transactions that may depend on others, delete sets, v2 encodings, root
 * types of the wrong kind), state vectors (real, invented, lying about their length), y-protocols
 * sync messages and awareness updates.
 */
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import * as Y from 'yjs';
import { STORY_FIELDS } from '../../shared/story';
import { mulberry32 } from '../helpers/randomEdits';

/** What a generated update is made from. */
type UpdateRecipe = {
  clientId: number;
  seed: number;
  ops: number;
  root: string;
  shape: 'xml' | 'text' | 'map' | 'array';
  pick: 'state' | 'first' | 'last' | 'v2' | 'deletes';
};

const rootArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STORY_FIELDS) },
  { weight: 1, arbitrary: fc.constantFrom('comments', 'unknownRoot', '__proto__', '') },
);

const clientIdArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0xffffffff) },
);

const updateRecipeArb: fc.Arbitrary<UpdateRecipe> = fc.record({
  clientId: clientIdArb,
  seed: fc.integer(),
  ops: fc.integer({ min: 1, max: 8 }),
  root: rootArb,
  shape: fc.oneof(
    { weight: 6, arbitrary: fc.constant('xml' as const) },
    { weight: 1, arbitrary: fc.constantFrom('text' as const, 'map' as const, 'array' as const) },
  ),
  pick: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('state' as const, 'first' as const, 'last' as const) },
    { weight: 1, arbitrary: fc.constantFrom('v2' as const, 'deletes' as const) },
  ),
});

const TAGS = ['paragraph', 'heading', 'blockquote', 'bulletList', 'listItem', 'script', 'img', 'x'];

/** A document edited by `recipe`, and the updates its transactions produced. */
function editedDoc(recipe: UpdateRecipe): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = recipe.clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const random = mulberry32(recipe.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  for (let i = 0; i < recipe.ops; i++) {
    doc.transact(() => {
      switch (recipe.shape) {
        case 'xml': {
          const fragment = doc.getXmlFragment(recipe.root);
          const target = fragment.length > 0 ? (fragment.get(Math.floor(random() * fragment.length)) as Y.XmlElement) : undefined;
          const text = target?.get(0);
          if (!target || random() < 0.3) {
            const element = new Y.XmlElement(pick(TAGS));
            fragment.insert(Math.floor(random() * (fragment.length + 1)), [element]);
            element.insert(0, [new Y.XmlText(`fuzz ${Math.floor(random() * 1e6)}`)]);
            if (random() < 0.3) element.setAttribute(pick(['level', 'src', 'onclick', 'href']), pick(['1', 'javascript:alert(1)', '9999']));
          } else if (text instanceof Y.XmlText && text.length > 2 && random() < 0.4) {
            const at = Math.floor(random() * (text.length - 1));
            if (random() < 0.5) text.delete(at, 1);
            else
              text.format(at, 1, {
                [pick(['bold', 'italic', 'link', 'suggestion'])]: random() < 0.5 ? true : { href: 'javascript:alert(1)' },
              });
          } else if (text instanceof Y.XmlText) {
            text.insert(Math.floor(random() * (text.length + 1)), pick(['a', 'hello ', '\u0000', '\ud83d\ude00', '<b>']));
          } else {
            fragment.delete(0, 1);
          }
          break;
        }
        case 'text': {
          const text = doc.getText(recipe.root);
          if (text.length > 0 && random() < 0.3) text.delete(Math.floor(random() * text.length), 1);
          else text.insert(Math.floor(random() * (text.length + 1)), 'fuzz', random() < 0.3 ? { bold: true } : undefined);
          break;
        }
        case 'map':
          doc
            .getMap(recipe.root)
            .set(pick(['a', '__proto__', 'constructor', 'thread']), random() < 0.5 ? new Y.Map() : pick([1, 'x', null, true]));
          break;
        case 'array':
          doc.getArray(recipe.root).push([random() < 0.5 ? new Y.XmlElement('paragraph') : 'item']);
          break;
      }
    });
  }
  return { doc, updates };
}

function makeUpdate(recipe: UpdateRecipe): Uint8Array {
  const { doc, updates } = editedDoc(recipe);
  switch (recipe.pick) {
    case 'state':
      return Y.encodeStateAsUpdate(doc);
    case 'first':
      return updates[0] ?? Y.encodeStateAsUpdate(doc);
    case 'last':
      return updates.at(-1) ?? Y.encodeStateAsUpdate(doc);
    case 'v2':
      return Y.encodeStateAsUpdateV2(doc);
    case 'deletes':
      return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc));
  }
}

const yjsUpdateArb: fc.Arbitrary<Uint8Array> = updateRecipeArb.map(makeUpdate);

/** A state vector: a real one, an invented one (huge clocks), or one whose count lies. */
export const stateVectorArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: updateRecipeArb.map((recipe) => Y.encodeStateVector(editedDoc(recipe).doc)) },
  { weight: 1, arbitrary: fc.constant(Uint8Array.of(0)) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        entries: fc.array(fc.tuple(clientIdArb, fc.oneof(fc.nat({ max: 1000 }), fc.constantFrom(2 ** 32, 2 ** 53 - 1))), { maxLength: 4 }),
        count: fc.option(fc.constantFrom(2 ** 32 - 1, 2 ** 31, 1000, 5), { freq: 3 }),
      })
      .map(({ entries, count }) => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, count ?? entries.length);
        for (const [client, clock] of entries) {
          encoding.writeVarUint(encoder, client);
          encoding.writeVarUint(encoder, clock);
        }
        return encoding.toUint8Array(encoder);
      }),
  },
);

/** y-protocols sync message types, and some that do not exist. */
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** A y-protocols sync message: step 1, step 2, update, or a type that does not exist. */
export const syncMessageArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 2, arbitrary: stateVectorArb.map((sv) => syncMessage(SYNC_STEP1, sv)) },
  { weight: 2, arbitrary: yjsUpdateArb.map((u) => syncMessage(SYNC_STEP2, u)) },
  { weight: 4, arbitrary: yjsUpdateArb.map((u) => syncMessage(SYNC_UPDATE, u)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(3, 4, 127, 128, 2 ** 32, 2 ** 53 - 1), fc.uint8Array({ maxLength: 16 }))
      .map(([type, payload]) => syncMessage(type, payload)),
  },
);

type AwarenessEntry = { clientId: number; clock: number; state: string };

const awarenessStateArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          user: fc.record(
            { id: fc.string(), name: fc.string(), color: fc.constantFrom('#ff0000', 'red;background:url(x)', '') },
            { requiredKeys: [] },
          ),
          field: fc.constantFrom(...STORY_FIELDS, 'comments', null, 42),
          typing: fc.constantFrom(...STORY_FIELDS, null, 'x'),
          away: fc.constantFrom(true, false, 'yes'),
          cursor: fc.oneof(fc.constant(null), fc.record({ anchor: fc.jsonValue(), head: fc.jsonValue() })),
        },
        { requiredKeys: [] },
      )
      .map((state) => JSON.stringify(state)),
  },
  { weight: 2, arbitrary: fc.constantFrom('null', '{}', '[]', '1', '"x"', '{', '', 'undefined', '{"__proto__":{"polluted":true}}') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 16_400, 40_000).map((n) => JSON.stringify({ user: { name: 'x'.repeat(n) } })) },
);

/** A y-protocols awareness update (count, then client id, clock and JSON state per entry), possibly lying about its count. */
export const awarenessUpdateArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    entries: fc.array(
      fc.record({ clientId: clientIdArb, clock: fc.oneof(fc.nat({ max: 100 }), fc.constant(2 ** 53 - 1)), state: awarenessStateArb }),
      { maxLength: 4 },
    ),
    count: fc.option(fc.constantFrom(0, 64, 65, 1_000_000, 2 ** 32 - 1), { freq: 4 }),
  })
  .map(({ entries, count }) => encodeAwareness(entries, count ?? entries.length));

function encodeAwareness(entries: readonly AwarenessEntry[], count: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}

/** An encoded Yjs relative position (a comment anchor): at a root's start, at an item, or bytes. */
export const relativePositionArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...STORY_FIELDS, 'comments', ''), fc.constantFrom(0, -1))
    .map(([tname, assoc]) => Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ type: null, tname, item: null, assoc }))),
  fc
    .tuple(clientIdArb, fc.nat({ max: 1000 }), fc.constantFrom(0, -1))
    .map(([client, clock, assoc]) =>
      Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ type: null, tname: null, item: { client, clock }, assoc })),
    ),
  fc.uint8Array({ maxLength: 140 }),
);
