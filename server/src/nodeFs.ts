import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { FileSystem } from './service/fs';
import { decodeBytes } from './service/decode';

/** The service's file system on the real disk; `overlay` returns open editors' text first. */
export function nodeFileSystem(overlay?: (path: string) => string | undefined): FileSystem {
  return {
    readFile(path) {
      const open = overlay?.(path);
      if (open !== undefined) return open;
      try {
        // UTF-16 and BOM-marked files are decoded as editors do; binary files read as nothing.
        const decoded = decodeBytes(readFileSync(path));
        return decoded.kind === 'text' ? decoded.text : undefined;
      } catch {
        return undefined;
      }
    },
    stat(path) {
      try {
        const l = lstatSync(path);
        const s = l.isSymbolicLink() ? statSync(path) : l;
        return {
          isFile: s.isFile(),
          isDirectory: s.isDirectory(),
          size: s.size,
          isSymbolicLink: l.isSymbolicLink(),
          mtimeMs: s.mtimeMs,
        };
      } catch {
        return undefined;
      }
    },
    readDirectory(path) {
      try {
        return readdirSync(path);
      } catch {
        return [];
      }
    },
  };
}
