/**
 * Structured data for search engines: a story page's schema.org NewsArticle as JSON-LD (docs/site.md#structured-data).
 * Dates are ISO 8601, every address absolute (`origin` is the public origin); a property with nothing true to say
 * is left out rather than filled with a guess.
 */
import type { StoryImage } from '../../shared/figures';
import type { SiteImage, SiteSettings } from '../../shared/siteSettings';
import type { PublicationCredit } from '../persistence/PublicationStore';
import { sharedImage } from './pictureMarkup';
import { authorPath, STORIES_PATH } from './site';

type ArticleInput = {
  story: {
    headline: string;
    standfirst: string;
    byline: string;
    publishedAt: string;
    updatedAt: string;
    lead?: StoryImage | null;
    section?: string | null;
    tags?: string[];
    authors?: PublicationCredit[];
  };
  headline: string;
  canonicalUrl: string;
  origin: string;
  site: SiteSettings;
};

type Thing = Record<string, unknown> & { '@type': string };

export function newsArticleJsonLd({ story, headline, canonicalUrl, origin, site }: ArticleInput): Thing & { '@context': string } {
  const image = story.lead ?? site.socialImage;
  const published = iso(story.publishedAt);
  const modified = iso(story.updatedAt) ?? published;
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline,
    ...(story.standfirst ? { description: story.standfirst } : {}),
    ...(published ? { datePublished: published } : {}),
    ...(modified ? { dateModified: modified } : {}),
    author: authors(story, origin, site),
    ...(image ? { image: [imageUrl(image, origin)] } : {}),
    publisher: publisher(site, origin),
    mainEntityOfPage: { '@type': 'WebPage', '@id': canonicalUrl },
    url: canonicalUrl,
    inLanguage: site.language,
    ...(story.section ? { articleSection: story.section } : {}),
    ...(story.tags && story.tags.length > 0 ? { keywords: story.tags } : {}),
  };
}

/** The people credited, each with their page; else the byline's name; else the site itself. */
function authors(story: ArticleInput['story'], origin: string, site: SiteSettings): Thing[] {
  const credited = story.authors ?? [];
  if (credited.length > 0) return credited.map((a) => ({ '@type': 'Person', name: a.name, url: `${origin}${authorPath(a.id)}` }));
  const byline = story.byline.replace(/^by\s+/i, '').trim();
  if (byline) return [{ '@type': 'Person', name: byline }];
  return [{ '@type': 'Organization', name: site.name, url: `${origin}${STORIES_PATH}` }];
}

function publisher(site: SiteSettings, origin: string): Thing {
  return {
    '@type': 'Organization',
    name: site.name,
    url: `${origin}${STORIES_PATH}`,
    ...(site.logo ? { logo: { '@type': 'ImageObject', url: imageUrl(site.logo, origin) } } : {}),
  };
}

function imageUrl(image: SiteImage, origin: string): string {
  return `${origin}${sharedImage(image).path}`;
}

function iso(value: string): string | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
