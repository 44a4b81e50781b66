/**
 * The email for one notification, or the digest of several: plain text and HTML saying the same thing,
 * with a link to the story at the right place. Headlines, names and comment text are the newsroom's
 * words, never markup: escaped in the HTML, and kept out of headers except the subject (which nodemailer
 * encodes).
 */
import { notificationPath, notificationSummary, type NotificationView } from '../../shared/notifications';
import { escapeHtml } from '../publishing/escapeHtml';

export type EmailContent = { subject: string; text: string; html: string };

/** Line breaks in a subject would start new headers. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

export function notificationEmail(items: NotificationView[], origin: string): EmailContent {
  const subject = items.length === 1 ? oneLine(notificationSummary(items[0])) : `${items.length} notifications from Galley`;
  const entries = items.map((n) => ({ summary: notificationSummary(n), note: n.data.note ?? '', url: `${origin}${notificationPath(n)}` }));
  const text = [
    ...entries.map((e) => [e.summary, e.note && `  “${e.note}”`, `  ${e.url}`].filter(Boolean).join('\n')),
    '',
    `Choose what Galley emails you in Settings: ${origin}/settings`,
  ].join('\n\n');
  const html = [
    '<!doctype html><html><body>',
    ...entries.map(
      (e) =>
        `<p>${escapeHtml(e.summary)}</p>${e.note ? `<blockquote>${escapeHtml(e.note)}</blockquote>` : ''}<p><a href="${escapeHtml(e.url)}">Open the story</a></p>`,
    ),
    `<p><a href="${escapeHtml(`${origin}/settings`)}">Choose what Galley emails you</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
