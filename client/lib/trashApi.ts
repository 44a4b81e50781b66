/** Archive and the Trash (docs/api.md#archive-and-trash): archive, delete, restore, purge, and the Trash's list. */
import type { TrashList } from '../../shared/trash';
import { request } from './api';

const story = (id: string) => `/api/stories/${encodeURIComponent(id)}`;

export const trashApi = {
  archive: (id: string) => request<{ archivedAt: string | null }>('POST', `${story(id)}/archive`),
  unarchive: (id: string) => request<{ archivedAt: string | null }>('POST', `${story(id)}/unarchive`),
  /** To the Trash; refused (409) while the story is live or scheduled. */
  delete: (id: string) => request<void>('DELETE', story(id)),
  restore: (id: string) => request<{ id: string }>('POST', `${story(id)}/restore`),
  list: () => request<TrashList>('GET', '/api/trash'),
  /** "Delete forever". */
  purge: (id: string) => request<void>('DELETE', `/api/trash/${encodeURIComponent(id)}`),
};
