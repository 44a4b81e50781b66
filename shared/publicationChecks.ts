/**
 * Pre-publish checks, shared: the editor shows them live next to each field,
 * the server runs them again (plus slug uniqueness, which only it can know)
 * before anything goes out.
 */
import { altTextProblem } from './figures';
import { LIMITS } from './limits';
import { isValidSlug, slugify } from './slug';

export type CheckedField = 'headline' | 'standfirst' | 'byline' | 'body' | 'slug' | 'images';

/**
 * The plain text of each field, the slug the story asked for (null: from the headline), and the
 * pictures without alt text (shared/figures.ts `missingAltText`).
 */
export type CheckedStory = {
  headline: string;
  standfirst: string;
  byline: string;
  bodyText: string;
  slug: string | null;
  missingAlt: readonly string[];
};

export type PublicationProblems = Partial<Record<CheckedField, string>>;

export function publicationProblems(story: CheckedStory): PublicationProblems {
  const problems: PublicationProblems = {};
  const headline = story.headline.trim();
  if (!headline) problems.headline = 'Add a headline';
  else if (headline.length > LIMITS.headlineMaxChars) {
    problems.headline = `Headline is ${headline.length} characters; the limit is ${LIMITS.headlineMaxChars}`;
  }
  if (!story.standfirst.trim()) problems.standfirst = 'Add a standfirst: one paragraph that sums the story up';
  if (!story.byline.trim()) problems.byline = 'Add a byline';
  if (!story.bodyText.trim()) problems.body = 'Add body text';
  const slugProblem = story.slug === null ? generatedSlugProblem(headline) : slugProblemOf(story.slug);
  if (slugProblem) problems.slug = slugProblem;
  const altProblem = altTextProblem(story.missingAlt);
  if (altProblem) problems.images = altProblem;
  return problems;
}

/** Why a chosen slug is not a valid web address, or null. */
export function slugProblemOf(slug: string): string | null {
  if (!slug) return 'Add a web address';
  if (slug.length > LIMITS.slugMaxChars) return `Web address is ${slug.length} characters; the limit is ${LIMITS.slugMaxChars}`;
  if (!isValidSlug(slug)) return 'Use lower-case letters, digits and single hyphens, like "council-votes-on-budget"';
  return null;
}

function generatedSlugProblem(headline: string): string | null {
  return headline && !slugify(headline) ? 'The headline has no letters or digits to make a web address from: choose one' : null;
}

/** Work still open in a story: publishing goes ahead, but says so first. */
export type OpenWork = { suggestions: number; unresolvedThreads: number };

/** What to say before publishing over open work ("2 suggestions are still open"); empty when there is none. */
export function publicationWarnings({ suggestions, unresolvedThreads }: OpenWork): string[] {
  const warnings: string[] = [];
  if (suggestions > 0) warnings.push(suggestions === 1 ? '1 suggestion is still open' : `${suggestions} suggestions are still open`);
  if (unresolvedThreads > 0) {
    warnings.push(unresolvedThreads === 1 ? '1 comment thread is unresolved' : `${unresolvedThreads} comment threads are unresolved`);
  }
  return warnings;
}
