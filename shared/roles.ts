/**
 * Roles and what they may do. Pure functions, shared so the client can hide
 * what the server will refuse anyway; the server is always the guard.
 */
export const ROLES = ['admin', 'editor', 'writer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** `story:comment`: start, reply to, edit and delete one's own comments (viewers too); resolving needs `story:edit`. */
/** `taxonomy:manage`: keep the newsroom's lists of sections and tags (shared/taxonomy.ts). */
/** `site:manage`: change the public site's masthead and settings (shared/siteSettings.ts). */
export type Action =
  | 'story:read'
  | 'story:comment'
  | 'story:edit'
  | 'story:create'
  | 'story:publish'
  | 'users:manage'
  | 'taxonomy:manage'
  | 'site:manage'
  | RetentionAction
  | IntegrationAction;

/** `webhooks:manage`: register the endpoints told of publications, and read their deliveries (docs/webhooks.md). */
type IntegrationAction = 'webhooks:manage';
const INTEGRATION_GRANTS: Record<Role, readonly IntegrationAction[]> = {
  viewer: [],
  writer: [],
  editor: [],
  admin: ['webhooks:manage'],
};

/**
 * Archive and Trash (docs/newsroom.md#archive-trash-and-retention): `story:archive` any story, `story:archive-own`
 * the stories one created (writers tidy their own drafts away); `story:delete` moves a story to the Trash, restores
 * and purges it, and reads the Trash: editors' calls, as unpublishing is.
 */
type RetentionAction = 'story:archive' | 'story:archive-own' | 'story:delete';
const RETENTION_GRANTS: Record<Role, readonly RetentionAction[]> = {
  viewer: [],
  writer: ['story:archive-own'],
  editor: ['story:archive', 'story:archive-own', 'story:delete'],
  admin: ['story:archive', 'story:archive-own', 'story:delete'],
};

const GRANTS: Record<Role, readonly Action[]> = {
  viewer: ['story:read', 'story:comment'],
  writer: ['story:read', 'story:comment', 'story:edit', 'story:create'],
  editor: ['story:read', 'story:comment', 'story:edit', 'story:create', 'story:publish', 'taxonomy:manage'],
  admin: ['story:read', 'story:comment', 'story:edit', 'story:create', 'story:publish', 'users:manage', 'taxonomy:manage', 'site:manage'],
};

export function can(role: Role, action: Action): boolean {
  return (
    GRANTS[role].includes(action) ||
    (RETENTION_GRANTS[role] as readonly Action[]).includes(action) ||
    (INTEGRATION_GRANTS[role] as readonly Action[]).includes(action)
  );
}

/** Whether `role` may archive (and unarchive) a story; `isCreator`: the story is theirs. */
export function mayArchive(role: Role, isCreator: boolean): boolean {
  return can(role, 'story:archive') || (isCreator && can(role, 'story:archive-own'));
}
