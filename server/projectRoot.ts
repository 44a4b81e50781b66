import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root, where package.json is: the files the server serves (the built client, the public
 * stylesheet) are found from it, the same whether this code runs as TypeScript from server/ or bundled in
 * dist/server/ (scripts/serverBuild.ts), where paths relative to a module would differ.
 */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}
