/**
 * Versions: the story's history. Every revision has a kind: a publication (taken when it is
 * published), a named version (someone asked for it, with a name) or an automatic one (taken
 * by the server after a pause in editing). They share one numbering per story.
 */
export type VersionKind = 'publication' | 'named' | 'auto';
