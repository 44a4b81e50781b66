/**
 * Everything the story page works with, for one open story: built in dependency
 * order (the session first, then what reads it, the editors, then what reads
 * the editors) and destroyed in reverse, with the reactions between the pieces.
 * The page builds one per story and gives it to its panels through context
 * (setStoryWorkspace / getStoryWorkspace), so they read what they need from it.
 */
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { createContext } from 'svelte';
import type { PublicUser } from '../../../shared/api';
import type { StoryField } from '../../../shared/story';
import { createStoryEditors, type LiveEditor } from '../editor/LiveEditor.svelte';
import type { GalleyClientSocket } from '../sync/socket';
import { PresenceActivity } from './PresenceActivity';
import { PresenceAnnouncements } from './PresenceAnnouncements.svelte';
import { RevisionHistory } from './RevisionHistory.svelte';
import { StoryAuthors } from './StoryAuthors.svelte';
import { StoryChecks } from './StoryChecks.svelte';
import { StoryComments } from './StoryComments.svelte';
import { StorySession } from './StorySession.svelte';
import { StorySuggestions } from './StorySuggestions.svelte';
import { SuggestingMode } from './SuggestingMode.svelte';
import { WorkflowActions } from './WorkflowActions.svelte';

export type StoryWorkspaceOptions = {
  socket: GalleyClientSocket;
  storyId: string;
  user: PublicUser;
};

type Destroyable = { destroy(): void };

export class StoryWorkspace {
  readonly session: StorySession;
  /** "Who wrote this?" */
  readonly authors: StoryAuthors;
  readonly comments: StoryComments;
  readonly suggesting: SuggestingMode;
  readonly editors: Record<StoryField, LiveEditor>;
  readonly suggestions: StorySuggestions;
  readonly checks: StoryChecks;
  readonly actions: WorkflowActions;
  readonly history: RevisionHistory;
  readonly announcements: PresenceAnnouncements;
  /** What has something to let go of, in the order it was built. */
  readonly #built: Destroyable[] = [];

  constructor({ socket, storyId, user }: StoryWorkspaceOptions) {
    this.session = this.#own(new StorySession({ socket, storyId, user }));
    this.authors = this.#own(new StoryAuthors(storyId, (userId, fallback) => this.session.colorOf(userId, fallback)));
    this.comments = this.#own(new StoryComments(this.session));
    this.suggesting = this.#own(new SuggestingMode(this.session, this.authors));
    this.editors = createStoryEditors({
      session: this.session,
      authors: this.authors,
      suggesting: this.suggesting,
      comments: this.comments,
    });
    this.suggestions = new StorySuggestions(this.session, this.editors);
    this.checks = this.#own(new StoryChecks(this.session, this.editors));
    this.actions = new WorkflowActions(this.session, this.checks);
    this.history = this.#own(new RevisionHistory(this.session));
    // This person's own edits come through the editors' Yjs binding, with its plugin key as origin.
    const { doc, awareness } = this.session.provider;
    this.#own(new PresenceActivity(doc, awareness, ySyncPluginKey));
    this.announcements = new PresenceAnnouncements();
    this.#own({ destroy: $effect.root(() => this.#react()) });
  }

  #own<T extends Destroyable>(piece: T): T {
    this.#built.push(piece);
    return piece;
  }

  /** How the pieces follow each other while the story is open. */
  #react(): void {
    const { session, editors, checks, history, announcements } = this;
    // The server's own checks (is the address free, which one it would use) follow the headline and the workflow.
    $effect(() => {
      if (!session.canEdit || !session.workflow) return;
      void editors.headline.text;
      checks.refreshSoon();
    });
    $effect(() => {
      if (history.panelOpen) return history.follow();
    });
    // A publication adds a revision: the open History panel shows it.
    $effect(() => {
      if (!history.panelOpen) return;
      void session.workflow?.updatedAt;
      void history.load();
    });
    $effect(() => {
      announcements.update(session.people, session.rosterKnown);
    });
  }

  destroy(): void {
    for (const piece of this.#built.reverse()) piece.destroy();
    this.#built.length = 0;
  }
}

export const [getStoryWorkspace, setStoryWorkspace] = createContext<StoryWorkspace>();
