/**
 * The History panel's work: the story's versions (publications, named and
 * automatic ones, newest first), saving a named version, a readable comparison
 * of any two (or of one with the draft), "Restore this version", and
 * reverting one person's changes since a version.
 *
 * Restoring is an ordinary collaborative edit: the revision's document is
 * rebuilt from its saved state and copied over the live one's four fields in
 * one transaction (shared/restoreRevision.ts), which the provider sends like
 * any keystroke, so everyone in the story sees it at once. An UndoManager
 * tracking only that transaction's origin lets "Undo restore" take back just
 * the restore, not anyone's typing since. Both write text again under this
 * client's id; which new items copy which is claimed with the server
 * (StorySession.claimCopies), so the text stays its first author's.
 */
import { fromBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import type { RevisionDiff, RevisionSummary, VersionAuthor } from '../../../shared/api';
import { restoreRevision } from '../../../shared/restoreRevision';
import { STORY_FIELDS } from '../../../shared/story';
import { api, errorMessage } from '../api';
import { followUndoCopies } from '../editor/undoCopies';
import type { StorySession } from './StorySession.svelte';

export class RevisionHistory {
  /** The History panel is open. */
  panelOpen = $state(false);
  revisions = $state.raw<RevisionSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The comparison on screen: a revision against the draft. */
  diff = $state.raw<RevisionDiff | null>(null);
  /** The revision whose comparison or restore is under way. */
  comparing = $state<number | null>(null);
  restoring = $state<number | null>(null);
  /** The last restore, for the status message; `undone` once "Undo restore" took it back. */
  restored = $state<{ number: number; undone: boolean } | null>(null);
  /** Why the last comparison, restore or revert failed. */
  actionError = $state<string | null>(null);
  /** Saving a named version: under way, and why it failed. */
  saving = $state(false);
  saveError = $state<string | null>(null);
  /** Who changed the story since each version whose revert form is open (null while loading). */
  changedSince = $state.raw<Record<number, VersionAuthor[] | null>>({});
  /** The revert under way, and the last one done (for the status message). */
  reverting = $state<number | null>(null);
  reverted = $state<{ number: number; name: string; changed: boolean } | null>(null);
  /** Marks restore transactions, and only them, for the UndoManager. */
  readonly #origin = { restore: true };
  #session: StorySession;
  #undo: Y.UndoManager | null = null;
  #offUndoCopies: (() => void) | null = null;
  #generation = 0;

  constructor(session: StorySession) {
    this.#session = session;
  }

  /** While the panel is open: versions others save, or the server takes, appear without reopening it. */
  follow(): () => void {
    const { socket } = this.#session.provider;
    const onVersions = (storyId: string) => {
      if (storyId === this.#session.storyId) void this.load();
    };
    socket.on('story:versions', onVersions);
    return () => socket.off('story:versions', onVersions);
  }

  async load(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const { revisions } = await api.listRevisions(this.#session.storyId);
      if (generation !== this.#generation) return;
      this.revisions = revisions;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }

  /** Saves the story as it is now as a named version; true once saved (the list then shows it). */
  async saveVersion(name: string): Promise<boolean> {
    if (this.saving) return false;
    this.saving = true;
    this.saveError = null;
    try {
      await api.saveVersion(this.#session.storyId, name);
      await this.load();
      return true;
    } catch (error) {
      this.saveError = errorMessage(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** Finds out who changed the story since version `number`: the people whose changes could be reverted. */
  async loadChangedSince(number: number): Promise<void> {
    this.changedSince = { ...this.changedSince, [number]: null };
    try {
      const { authors } = await api.changedSince(this.#session.storyId, number);
      this.changedSince = { ...this.changedSince, [number]: authors };
    } catch (error) {
      this.actionError = errorMessage(error);
      const { [number]: _, ...rest } = this.changedSince;
      this.changedSince = rest;
    }
  }

  /**
   * Takes back one person's insertions and deletions since version `number`, leaving everyone
   * else's edits. The server does it as an ordinary edit, so it arrives here like anyone's typing.
   */
  async revert(number: number, author: VersionAuthor): Promise<boolean> {
    if (this.reverting !== null) return false;
    this.reverting = number;
    this.actionError = null;
    try {
      const { reverted } = await api.revertAuthor(this.#session.storyId, number, author.userId);
      this.reverted = { number, name: author.name, changed: reverted };
      return true;
    } catch (error) {
      this.actionError = errorMessage(error);
      return false;
    } finally {
      this.reverting = null;
    }
  }

  dismissReverted(): void {
    this.reverted = null;
  }

  /** Compares revision `number` with the draft, or with revision `to`. */
  async compare(number: number, to?: number): Promise<void> {
    this.comparing = to ?? number;
    this.actionError = null;
    try {
      this.diff = await api.revisionDiff(this.#session.storyId, number, to);
    } catch (error) {
      this.actionError = errorMessage(error);
    } finally {
      this.comparing = null;
    }
  }

  closeComparison(): void {
    this.diff = null;
  }

  /** Copies a revision over the draft, for everyone; true once done. */
  async restore(number: number): Promise<boolean> {
    if (this.restoring !== null) return false;
    this.restoring = number;
    this.actionError = null;
    try {
      const { revision } = await api.getRevision(this.#session.storyId, number);
      const source = new Y.Doc();
      Y.applyUpdate(source, fromBase64(revision.docState));
      const target = this.#session.provider.doc;
      const undo = this.#undoManager(target);
      // Each restore is its own step: "Undo restore" takes back the latest one only.
      undo.stopCapturing();
      const copies = restoreRevision(target, source, this.#origin);
      undo.stopCapturing();
      source.destroy();
      this.#session.claimCopies(copies);
      this.restored = { number, undone: false };
      // The restore is this person's own edit, already made: the story's timeline hears of it, if it can.
      api.reportRestore(this.#session.storyId, number).catch(() => {});
      return true;
    } catch (error) {
      this.actionError = errorMessage(error);
      return false;
    } finally {
      this.restoring = null;
    }
  }

  undoRestore(): void {
    if (!this.restored || this.restored.undone || !this.#undo?.canUndo()) return;
    this.#undo.undo();
    this.restored = { ...this.restored, undone: true };
  }

  dismissRestored(): void {
    this.restored = null;
  }

  #undoManager(doc: Y.Doc): Y.UndoManager {
    if (this.#undo) return this.#undo;
    const undo = new Y.UndoManager(
      STORY_FIELDS.map((field) => doc.getXmlFragment(field)),
      { trackedOrigins: new Set([this.#origin]), captureTimeout: 0 },
    );
    // "Undo restore" brings back what the restore replaced: written again, like the restore itself.
    this.#offUndoCopies = followUndoCopies(undo, (copies) => this.#session.claimCopies(copies));
    this.#undo = undo;
    return undo;
  }

  destroy(): void {
    this.#generation++;
    this.#offUndoCopies?.();
    this.#undo?.destroy();
    this.#undo = null;
  }
}
