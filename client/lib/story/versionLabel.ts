import type { RevisionSummary } from '../../../shared/api';

const KIND_LABELS = { publication: 'published', named: 'named', auto: 'automatic' } as const;

/** "Revision 3 · Before legal" or "Revision 2 · automatic": how a version is named in pickers. */
export function versionLabel(revision: RevisionSummary): string {
  return `Revision ${revision.number} · ${revision.name ?? KIND_LABELS[revision.kind]}`;
}

/** "Published by Ana", "Saved by Ana", "Saved automatically": who took the version. */
export function versionOrigin(revision: RevisionSummary): string {
  switch (revision.kind) {
    case 'publication':
      return `Published by ${revision.publishedBy}`;
    case 'named':
      return `Saved by ${revision.publishedBy}`;
    case 'auto':
      return 'Saved automatically';
  }
}
