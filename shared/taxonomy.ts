/**
 * The newsroom's managed lists of sections and of tags (docs/newsroom.md): editors and admins keep them,
 * the story's Planning panel picks from them and the newsroom filters by them. A name is one line, unique
 * in its list whatever its case; a story keeps the name itself (shared/planning.ts), so one whose section
 * or tag has left the list still shows it.
 */
import { z } from 'zod/mini';
import { LIMITS } from './limits';
import { PLANNING_LIMITS } from './planning';

export const TAXONOMY_KINDS = ['sections', 'tags'] as const;
export type TaxonomyKind = (typeof TAXONOMY_KINDS)[number];

/** The longest name and the most names of each list. */
export const TERM_LIMITS: Record<TaxonomyKind, { maxChars: number; max: number }> = {
  sections: { maxChars: PLANNING_LIMITS.sectionMaxChars, max: LIMITS.sectionsMax },
  tags: { maxChars: PLANNING_LIMITS.tagMaxChars, max: LIMITS.tagsMax },
};

export const TERM_LABELS: Record<TaxonomyKind, { one: string; many: string }> = {
  sections: { one: 'section', many: 'Sections' },
  tags: { one: 'tag', many: 'Tags' },
};

/** One name of a list. */
export type TaxonomyTerm = { id: string; name: string };
/** GET /api/sections, GET /api/tags: the list, by name. */
export type TermList = { terms: TaxonomyTerm[] };
/** POST and PATCH: the name as kept, and (a rename) how many stories moved to it. */
export type TermAnswer = { term: TaxonomyTerm; storiesMoved?: number };

/** A name as planning keeps it (spaces collapsed, trimmed), so the list's names are the ones stories carry. */
export const termName = (value: string) => value.replace(/\s+/g, ' ').trim();

/** What makes two names the same: case ignored. */
export const termKey = (name: string) => termName(name).toLocaleLowerCase('en');

export const termBody = (kind: TaxonomyKind) =>
  z.strictObject({
    name: z
      .string()
      .check(
        z.overwrite(termName),
        z.minLength(1, `Name the ${TERM_LABELS[kind].one}`),
        z.maxLength(TERM_LIMITS[kind].maxChars, `At most ${TERM_LIMITS[kind].maxChars} characters`),
      ),
  });
export const TermIdParam = z.uuid('Ids are UUIDs');
