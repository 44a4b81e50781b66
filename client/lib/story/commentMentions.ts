/**
 * @mentions in comment text: finding the "@An…" being typed, putting the
 * chosen name in, working out which chosen people are still mentioned when
 * the comment is sent, and splitting a body into text and mentions to show.
 * Pure text functions; a mention is "@" + the person's name.
 */
import { COMMENT_LIMITS } from '../../../shared/comments';

export type Member = { id: string; name: string };

export type MentionQuery = { start: number; query: string };

/** The "@…" just before the caret, if one is being typed: "@" at the start or after a space, then no spaces. */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/** People whose name has a word starting with the query, best first. */
export function matchingMembers(members: readonly Member[], query: string, limit = 8): Member[] {
  const q = query.toLocaleLowerCase();
  const score = (m: Member) => {
    const name = m.name.toLocaleLowerCase();
    if (name.startsWith(q)) return 0;
    return name.split(/\s+/).some((word) => word.startsWith(q)) ? 1 : 2;
  };
  return members
    .filter((m) => score(m) < 2)
    .sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** Replaces the "@query" being typed with "@Name" and one space, and says where the caret goes (after the space). */
export function insertMention(text: string, caret: number, at: MentionQuery, member: Member): { text: string; caret: number } {
  const rest = text.slice(caret);
  const inserted = `@${member.name}${/^\s/.test(rest) ? '' : ' '}`;
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length + (/^\s/.test(rest) ? 1 : 0) };
}

/** The ids of the chosen people whose "@Name" is still in the text, once each. */
export function mentionedIds(body: string, chosen: readonly Member[]): string[] {
  const ids = chosen.filter((m) => mentionPattern(m.name).test(body)).map((m) => m.id);
  return [...new Set(ids)].slice(0, COMMENT_LIMITS.mentionsMax);
}

export type BodyPart = { text: string; mention: boolean };

/** The body split into plain text and "@Name" mentions of the given people (longest names first, so "@Ana Lopez" beats "@Ana"). */
export function bodyParts(body: string, mentioned: readonly Member[]): BodyPart[] {
  const names = [...new Set(mentioned.map((m) => m.name))].sort((a, b) => b.length - a.length);
  if (names.length === 0) return [{ text: body, mention: false }];
  const any = new RegExp(`@(?:${names.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  const parts: BodyPart[] = [];
  let last = 0;
  for (const match of body.matchAll(any)) {
    if (match.index > last) parts.push({ text: body.slice(last, match.index), mention: false });
    parts.push({ text: match[0], mention: true });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last), mention: false });
  return parts;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mentionPattern = (name: string) => new RegExp(`@${escape(name)}(?![\\p{L}\\p{N}])`, 'u');
