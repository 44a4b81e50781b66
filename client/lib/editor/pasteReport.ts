/**
 * What a paste into the Body could not keep, said to the person pasting rather than dropped in silence,
 * and the pictures it carried. The Body has no tables: a pasted table's rows become paragraphs, its
 * cells kept apart (never run together as "cell Acell B"). A picture whose bytes are in the paste (a
 * `data:` image, as Word and many editors put them) becomes a placeholder figure where it was and is
 * uploaded into the library; a picture that only points at another site is left out and said: the server
 * never fetches addresses someone pasted (no request forgery), so the person saves and adds it instead.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { PictureIntake } from './pictureDrop';

type PastedPicture = { id: string; file: File };
export type PasteLosses = { tables: number; images: number; refused: string | null };

/** Rows of a table, as paragraphs; cells joined by a separator a reader (and an editor) can see. */
const CELL_SEPARATOR = ' | ';
/** A pasted picture's bytes, bounded before they are decoded (the server's own limit is the real one). */
const MAX_DATA_URL_CHARS = 30_000_000;
const DATA_IMAGE = /^data:(image\/(?:jpeg|png|webp|gif|avif));base64,/i;

/** Rewrites pasted HTML to what the Body can hold, and counts what it had to change. */
function adaptPastedHtml(html: string, intake: PictureIntake | null): { html: string; losses: PasteLosses; pictures: PastedPicture[] } {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const losses: PasteLosses = { tables: 0, images: 0, refused: null };
  const pictures: PastedPicture[] = [];
  let changed = tablesToParagraphs(doc, losses);
  // Placeholders are made here, for this paste only; one arriving in the HTML would point at nothing.
  for (const foreign of [...doc.querySelectorAll('figure[data-upload]')]) foreign.remove();
  for (const image of [...doc.querySelectorAll('img, picture, svg')]) {
    changed = true;
    if (image.tagName.toLowerCase() === 'svg' && image.closest('picture')) continue;
    const file = image.tagName.toLowerCase() === 'img' ? pastedFile(image.getAttribute('src') ?? '', pictures.length) : null;
    const refusal = file ? intake?.refusal() : null;
    if (!file || !intake || refusal) {
      losses.images++;
      losses.refused ??= refusal ?? null;
      image.remove();
      continue;
    }
    const id = intake.newId();
    pictures.push({ id, file });
    const figure = doc.createElement('figure');
    figure.dataset.upload = id;
    figure.dataset.uploadBy = intake.uploaderName;
    figure.dataset.alt = (image.getAttribute('alt') ?? '').trim();
    // A block: out of the paragraph it sat in (the paragraph is split around it by the parser).
    image.replaceWith(figure);
  }
  return { html: changed ? doc.body.innerHTML : html, losses, pictures };
}

function tablesToParagraphs(doc: Document, losses: PasteLosses): boolean {
  for (const table of [...doc.querySelectorAll('table')]) {
    if (table.parentElement?.closest('table')) continue;
    losses.tables++;
    const rows = [...table.querySelectorAll('tr')].map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean),
    );
    const paragraphs = rows
      .filter((cells) => cells.length > 0)
      .map((cells) => {
        const p = doc.createElement('p');
        p.textContent = cells.join(CELL_SEPARATOR);
        return p;
      });
    table.replaceWith(...paragraphs);
  }
  return losses.tables > 0;
}

/** The picture inside a `data:` address, as a file; null for anything else (another site's address). */
function pastedFile(src: string, index: number): File | null {
  const match = DATA_IMAGE.exec(src);
  if (!match || src.length > MAX_DATA_URL_CHARS) return null;
  try {
    const bytes = Uint8Array.from(atob(src.slice(match[0].length).replace(/\s+/g, '')), (c) => c.charCodeAt(0));
    const type = match[1].toLowerCase();
    return new File([bytes], `pasted-picture-${index + 1}.${type.split('/')[1]}`, { type });
  } catch {
    return null;
  }
}

/** What is said under the field, or null when nothing was lost. */
function describeLosses({ tables, images, refused }: PasteLosses): string | null {
  const sentences: string[] = [];
  if (tables > 0) {
    sentences.push(
      `${tables === 1 ? 'A table was' : `${tables} tables were`} pasted as text, one paragraph per row (the Body has no tables).`,
    );
  }
  if (images > 0 && refused) sentences.push(`${images === 1 ? 'A picture was' : `${images} pictures were`} left out: ${refused}`);
  else if (images > 0) {
    const it = images === 1 ? 'it' : 'them';
    sentences.push(
      `${images === 1 ? 'A picture was' : `${images} pictures were`} left out: the copy only points at ${it} (on another site or computer). Save ${it} and use Add picture to upload ${it}.`,
    );
  }
  return sentences.length > 0 ? sentences.join(' ') : null;
}

const pasteReportKey = new PluginKey('pasteReport');

/** For the Body: adapts pasted HTML, uploads the pictures it carried, and reports what it could not keep. */
export const PasteReport = Extension.create<{ report: (message: string | null) => void; intake: PictureIntake | null }>({
  name: 'pasteReport',

  addOptions() {
    return { report: () => undefined, intake: null };
  },

  addProseMirrorPlugins() {
    const { report, intake } = this.options;
    let pasted: ReturnType<typeof adaptPastedHtml> | null = null;
    return [
      new Plugin({
        key: pasteReportKey,
        props: {
          transformPastedHTML: (html) => {
            pasted = adaptPastedHtml(html, intake);
            return pasted.html;
          },
          handlePaste: () => {
            // ProseMirror has already run transformPastedHTML on this paste, and inserts it after this returns.
            const done = pasted;
            pasted = null;
            report(done ? describeLosses(done.losses) : null);
            if (done && intake) setTimeout(() => done.pictures.forEach(({ id, file }) => intake.upload(id, file)));
            return false;
          },
        },
      }),
    ];
  },
});
