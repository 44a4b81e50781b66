/**
 * Everything the story page works with, for one open story: built in dependency
 * order (the session first, then what reads it, the editors, then what reads
 * the editors) and destroyed in reverse, with the reactions between the pieces.
 * The page builds one per story and gives it to its panels through context
 * (setStoryWorkspace / getStoryWorkspace), so they read what they need from it.
 */
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { createContext, untrack } from 'svelte';
import type { PublicUser } from '../../../shared/api';
import type { StoryField } from '../../../shared/story';
import { createStoryEditors, type LiveEditor } from '../editor/LiveEditor.svelte';
import type { GalleyClientSocket } from '../sync/socket';
import { ActivityTimeline } from './ActivityTimeline.svelte';
import { LeadImage } from './LeadImage.svelte';
import { PictureUploads } from './PictureUploads.svelte';
import { PictureWords, type PictureWord } from './PictureWords';
import { PresenceActivity } from './PresenceActivity';
import { PresenceAnnouncements } from './PresenceAnnouncements.svelte';
import { RevisionHistory } from './RevisionHistory.svelte';
import { StoryAuthors } from './StoryAuthors.svelte';
import { StoryChecks } from './StoryChecks.svelte';
import { StoryComments } from './StoryComments.svelte';
import { StoryPlan } from './StoryPlan.svelte';
import { StoryRetention } from './StoryRetention.svelte';
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
  /** Pictures added on this device (Body figures and the lead image), uploading or waiting to. */
  readonly uploads: PictureUploads;
  readonly lead: LeadImage;
  /** Who has the story, which desk, when it is due. */
  readonly plan: StoryPlan;
  /** The words given to pictures here, remembered by the media library for their next use. */
  readonly pictureWords: PictureWords;
  readonly editors: Record<StoryField, LiveEditor>;
  readonly suggestions: StorySuggestions;
  readonly checks: StoryChecks;
  readonly actions: WorkflowActions;
  readonly history: RevisionHistory;
  /** Who did what to the story and when (the Activity panel). */
  readonly activity: ActivityTimeline;
  readonly announcements: PresenceAnnouncements;
  /** Archive and Delete. */
  readonly retention: StoryRetention;
  /** What has something to let go of, in the order it was built. */
  readonly #built: Destroyable[] = [];

  constructor({ socket, storyId, user }: StoryWorkspaceOptions) {
    this.session = this.#own(new StorySession({ socket, storyId, user }));
    this.authors = this.#own(
      new StoryAuthors(storyId, this.session.provider.doc, (userId, fallback) => this.session.colorOf(userId, fallback)),
    );
    this.comments = this.#own(new StoryComments(this.session));
    this.suggesting = this.#own(new SuggestingMode(this.session, this.authors));
    this.uploads = this.#own(new PictureUploads(this.session));
    this.lead = this.#own(new LeadImage(this.session.provider.doc));
    this.plan = this.#own(new StoryPlan(this.session.provider.doc));
    this.pictureWords = this.#own(new PictureWords());
    this.editors = createStoryEditors({
      session: this.session,
      authors: this.authors,
      suggesting: this.suggesting,
      comments: this.comments,
      pictures: this.#bodyPictures(),
    });
    this.suggestions = new StorySuggestions(this.session, this.editors);
    this.checks = this.#own(new StoryChecks(this.session, this.editors));
    this.actions = new WorkflowActions(this.session, this.checks);
    this.history = this.#own(new RevisionHistory(this.session));
    this.activity = this.#own(new ActivityTimeline(this.session));
    // This person's own edits come through the editors' Yjs binding, with its plugin key as origin.
    const { doc, awareness } = this.session.provider;
    this.#own(new PresenceActivity(doc, awareness, ySyncPluginKey));
    this.announcements = new PresenceAnnouncements();
    this.retention = new StoryRetention(this.session, user.id);
    this.#own({ destroy: $effect.root(() => this.#react()) });
  }

  /** How the Body takes new pictures: uploaded by this device, refused while suggesting or reading only. */
  #bodyPictures() {
    const { session, suggesting, uploads } = this;
    return {
      refusal: () =>
        !session.canEdit
          ? 'You can read this story but not change it.'
          : suggesting.on
            ? 'Pictures cannot be suggested: turn Suggesting off to add one.'
            : null,
      newId: () => uploads.newId(),
      upload: (id: string, file: File) => void uploads.add(id, file, 'body'),
      get uploaderName() {
        return session.me.name;
      },
      progress: (id: string) => uploads.progress(id),
      onProgress: (listener: (id: string) => void) => uploads.onProgress(listener),
      remember: (media: string, word: PictureWord, value: string) => this.pictureWords.remember(media, word, value),
    };
  }

  #own<T extends Destroyable>(piece: T): T {
    this.#built.push(piece);
    return piece;
  }

  /** How the pieces follow each other while the story is open. */
  #react(): void {
    const { session, editors, checks, history, activity, announcements, uploads } = this;
    // A picture refused for the Body is said under the Body, like what a paste left out.
    $effect(() => {
      const index = uploads.refusals.findIndex((refusal) => refusal.target === 'body');
      if (index < 0) return;
      const { message } = uploads.refusals[index];
      untrack(() => {
        editors.body.pasteNotice = message;
        uploads.dismiss(index);
      });
    });
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
      if (activity.panelOpen) return activity.follow();
    });
    // The newest page when the panel opens, and again whenever the story's state is heard anew (a rejoin
    // after a lost connection sends it): what was recorded meanwhile is never missing.
    $effect(() => {
      if (!activity.panelOpen) return;
      void session.workflow;
      void activity.load();
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
