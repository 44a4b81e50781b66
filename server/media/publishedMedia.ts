import type { StoryImage } from '../../shared/figures';

/**
 * The images a story's public page shows, and so makes public with it: its lead image and its Body's
 * pictures, each once. Read from the allow-listed content the page is rendered from, never from the
 * HTML, so a picture the page shows cannot be missed and nothing else can be made public.
 */
export function publishedMediaIds(lead: StoryImage | null, figures: ReadonlyArray<Pick<StoryImage, 'media'>>): string[] {
  return [...new Set([...(lead ? [lead.media] : []), ...figures.map((figure) => figure.media)])];
}
