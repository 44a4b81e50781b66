import type { SiteSettings } from '../../shared/siteSettings';

/**
 * The site's own stylesheet, served after story.css: its accent colour, for links and the masthead's rule.
 * A stylesheet of its own because the public pages' CSP allows no inline style. The colour was checked
 * when saved (#rrggbb, readable on the page: shared/siteSettings.ts), and is checked again here so nothing
 * but a colour can ever be written into the CSS.
 */
export function siteStylesheet({ accentColor }: Pick<SiteSettings, 'accentColor'>): string {
  if (!/^#[0-9a-f]{6}$/.test(accentColor)) return '';
  return `:root {\n  --accent: ${accentColor};\n}\n`;
}
