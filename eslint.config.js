/**
 * Lint rules for the whole tree (`npm run lint`, part of `npm test`). Formatting is Prettier's
 * (.prettierrc.json); these are the rules a formatter cannot check: correctness, TypeScript, Svelte, and
 * an import graph without cycles.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-results/', 'playwright-report/', 'bench/results/'] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  prettier,
  svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      // Modules form layers (docs/architecture.md): a cycle means two of them are one concept, or a type is in the wrong place.
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      // Reactive state here is `$state.raw` replaced whole, or Yjs read through createSubscriber; a plain
      // Map or Set is a local or a private cache, never state a template reads, which is what this flags.
      'svelte/prefer-svelte-reactivity': 'off',
      // {' '} is how a template keeps a space between an element and a conditional one.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    // Tests build hostile and partial values on purpose.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off', 'no-control-regex': 'off' },
  },
);
