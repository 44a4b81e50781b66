/**
 * Versions: the story's history. Every revision has a kind: a publication (taken when it is
 * published), a named version (someone asked for it, with a name) or an automatic one (taken
 * by the server after a pause in editing). They share one numbering per story.
 */
export const VERSION_KINDS = ['publication', 'named', 'auto'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];
