/**
 * The Store contract: one suite every backend must pass (SqliteStore, both ways it opens, and PgStore),
 * grouped by aggregate, one file each (storeContract<Aggregate>.ts). Every rule has an id at the start of
 * its name, so a failure names the rule it broke: S-ACC-n accounts, S-LOG-n the story log, S-STO-n
 * stories, S-PUB-n publications, S-MED-n media, S-NOT-n notifications, S-SRC-n search, S-TAX-n sections and tags,
 * S-ACT-n activity timelines, S-TRS-n archive and Trash, S-WHK-n webhooks, S-SITE-n the public site's settings, S-DB-n the database as a whole. An id is never reused or renumbered; a
 * new rule takes the next number of its aggregate.
 */
import { describe, expect, it } from 'vitest';
import { accountRules } from './storeContractAccounts';
import { activityRules } from './storeContractActivity';
import { mediaRules } from './storeContractMedia';
import { notificationRules } from './storeContractNotifications';
import { type StoreFactory, story, user } from './storeContractFixtures';
import { publicationRules } from './storeContractPublications';
import { searchRules } from './storeContractSearch';
import { siteSettingsRules } from './storeContractSite';
import { storyRules } from './storeContractStories';
import { storyLogRules } from './storeContractStoryLog';
import { taxonomyRules } from './storeContractTaxonomy';
import { trashRules } from './storeContractTrash';
import { webhookRules } from './storeContractWebhooks';

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    accountRules(factory);
    storyLogRules(factory);
    storyRules(factory);
    publicationRules(factory);
    mediaRules(factory);
    notificationRules(factory);
    searchRules(factory);
    activityRules(factory);
    taxonomyRules(factory);
    trashRules(factory);
    webhookRules(factory);
    siteSettingsRules(factory);
    databaseRules(factory);
  });
}

function databaseRules(factory: StoreFactory): void {
  describe('database', () => {
    it('S-DB-1 runs the database’s own integrity check, if it has one, and finds a fresh store healthy', async () => {
      const store = await factory.open();
      const problems = await store.integrityCheck();
      if (problems !== null) expect(problems).toEqual([]);
      await store.close();
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('S-DB-2 keeps everything when reopened', async () => {
        const store = await factory.open();
        const u = user();
        await store.createUser(u);
        const s = story(u.id);
        await store.createStory(s);
        await store.appendUpdates([{ storyId: s.id, update: Uint8Array.of(7) }]);
        const again = await reopen(store);
        expect(await again.getUserById(u.id)).toEqual(u);
        expect((await again.loadLog(s.id)).updates.map((x) => [...x])).toEqual([[7]]);
        await again.close();
      });
    }
  });
}
