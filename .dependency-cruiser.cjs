/**
 * The import graph's rules (`npm run lint`): no cycle between modules, type-only imports included, and
 * none between folders: the server's domains (transport → documents → persistence…) and the client's
 * (pages → components → lib/story → lib/editor → lib/sync), docs/architecture.md.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycles',
      comment: 'Two modules that import each other are one concept, or a type sits in the wrong one.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Domain folders form layers: one that imports another must not be imported back by it.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(server|shared|client)/' },
      to: { circular: true },
    },
    {
      name: 'shared-imports-nothing-of-ours',
      comment: 'shared/ is used by the server and the browser alike: it depends on neither.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|client)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|data|test-results|playwright-report)/' },
    tsPreCompilationDeps: true,
    // The compiler options all three TypeScript projects share; the folders to cruise are on the command line.
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.json'] },
  },
};
