/**
 * The file-naming rule (CONTRIBUTING.md): a module is named for the one thing it is. A module whose
 * main export is a class (or an interface or type of that name) is named exactly for it, in PascalCase
 * (StorySession.svelte.ts, EventGuard.ts, Store.ts); every other module is camelCase (fields.ts, socket.ts);
 * Svelte components are PascalCase.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['server', 'client', 'shared'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The name without its extensions: `StorySession` for StorySession.svelte.ts. */
const moduleName = (file: string) => basename(file).split('.')[0];
const declares = (source: string, kind: string, name: string) =>
  new RegExp(`^export (default )?(abstract )?${kind} ${name}\\b`, 'm').test(source);

const files = SOURCE_FOLDERS.flatMap(sourceFiles);

describe('file names', () => {
  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it('are PascalCase or camelCase, nothing else', () => {
    const badlyNamed = files.filter((file) => !/^([A-Z][A-Za-z0-9]*|[a-z][A-Za-z0-9]*)$/.test(moduleName(file)));
    expect(badlyNamed).toEqual([]);
  });

  it('are PascalCase for components and for modules named for the class or type they export', () => {
    const misnamed = files.filter((file) => {
      const name = moduleName(file);
      if (!/^[A-Z]/.test(name) || file.endsWith('.svelte')) return false;
      const source = readFileSync(join(ROOT, file), 'utf8');
      return !['class', 'interface', 'type'].some((kind) => declares(source, kind, name));
    });
    expect(misnamed).toEqual([]);
  });

  it('are never camelCase for a module named after its class', () => {
    const misnamed = files.filter((file) => {
      const name = moduleName(file);
      if (!/^[a-z]/.test(name)) return false;
      const className = name[0].toUpperCase() + name.slice(1);
      return declares(readFileSync(join(ROOT, file), 'utf8'), 'class', className);
    });
    expect(misnamed).toEqual([]);
  });

  it('are PascalCase for Svelte components', () => {
    expect(files.filter((file) => file.endsWith('.svelte') && !/^[A-Z]/.test(moduleName(file)))).toEqual([]);
  });
});
