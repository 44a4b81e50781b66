import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the SQLite backend keeps image files: `<DATA_DIR>/media/<id>/<name>`. A file is written to a
 * temporary name, flushed and renamed, and the directory flushed, so once `write` resolves the file
 * survives a crash whole (and a reader never sees half of one). ':memory:' stores keep them in memory.
 */
export interface MediaFiles {
  write(id: string, name: string, bytes: Uint8Array): Promise<void>;
  read(id: string, name: string): Promise<Uint8Array | undefined>;
}

export function mediaFilesIn(dataDir: string | ':memory:'): MediaFiles {
  return dataDir === ':memory:' ? memoryFiles() : directoryFiles(path.join(dataDir, 'media'));
}

function directoryFiles(root: string): MediaFiles {
  // Ids and names are checked at the boundary; this keeps a bad one from ever leaving the folder.
  const safe = (part: string) => {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(part) || part.startsWith('.')) throw new Error(`Bad media path part: ${part}`);
    return part;
  };
  return {
    async write(id, name, bytes) {
      const dir = path.join(root, safe(id));
      await fs.promises.mkdir(dir, { recursive: true });
      const final = path.join(dir, safe(name));
      const temporary = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      const file = await fs.promises.open(temporary, 'w');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await fs.promises.rename(temporary, final);
      const folder = await fs.promises.open(dir, 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    },
    async read(id, name) {
      try {
        return new Uint8Array(await fs.promises.readFile(path.join(root, safe(id), safe(name))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

function memoryFiles(): MediaFiles {
  const files = new Map<string, Uint8Array>();
  return {
    write: async (id, name, bytes) => void files.set(`${id}/${name}`, bytes.slice()),
    read: async (id, name) => files.get(`${id}/${name}`)?.slice(),
  };
}
