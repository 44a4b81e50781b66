import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Shared by the Vite plugin (see vite.config.ts) and svelte-check. */
export default {
  // Svelte 5 strips TypeScript types natively; this handles <style lang="..."> should one appear.
  preprocess: vitePreprocess(),
};
