/**
 * Roles and what they may do. Pure functions, shared so the client can hide
 * what the server will refuse anyway; the server is always the guard.
 */
export const ROLES = ['admin', 'editor', 'writer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** `story:comment`: start, reply to, edit and delete one's own comments (viewers too); resolving needs `story:edit`. */
export type Action = 'story:read' | 'story:comment' | 'story:edit' | 'story:create' | 'story:publish' | 'users:manage';

const GRANTS: Record<Role, readonly Action[]> = {
  viewer: ['story:read', 'story:comment'],
  writer: ['story:read', 'story:comment', 'story:edit', 'story:create'],
  editor: ['story:read', 'story:comment', 'story:edit', 'story:create', 'story:publish'],
  admin: ['story:read', 'story:comment', 'story:edit', 'story:create', 'story:publish', 'users:manage'],
};

export function can(role: Role, action: Action): boolean {
  return GRANTS[role].includes(action);
}
