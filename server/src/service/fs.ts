/**
 * The little file-system access the service needs, injected so that the service runs the
 * same in the language server (open editors override disk), the CLI and tests.
 * Paths are absolute file-system paths.
 */
export interface FileSystem {
  readFile(path: string): string | undefined;
  /**
   * What the path names, following a symbolic link (`isSymbolicLink` says the path itself was
   * one, so walks can refuse to follow linked folders); `mtimeMs` when the file system has it.
   */
  stat(path: string):
    | {
        readonly isFile: boolean;
        readonly isDirectory: boolean;
        readonly size: number;
        readonly isSymbolicLink?: boolean;
        readonly mtimeMs?: number;
      }
    | undefined;
  readDirectory(path: string): readonly string[];
}

/** A file system with nothing in it, for checking a lone document. */
export const EMPTY_FS: FileSystem = {
  readFile: () => undefined,
  stat: () => undefined,
  readDirectory: () => [],
};
