import { tmpFilesOf } from '../handlers/extract';
import type { Finding, Rule } from './types';

/** Where the code lives and how it removes a file, in each language's words. */
const WORDS = {
  js: { unit: 'file', remove: 'fs.rm' },
  python: { unit: 'module', remove: 'os.remove' },
} as const;

/**
 * A file written under /tmp with a name that changes per request, in a file that never
 * removes anything: /tmp survives warm invocations (and even a reset of the environment),
 * so it fills up and the function starts failing with ENOSPC. A fixed name (overwritten
 * each time) is left alone.
 */
export const LL3006: Rule = {
  id: 'LL3006',
  title: 'Per-invocation /tmp files never removed',
  severity: 'info',
  handler({ file }) {
    const { removes, writes } = tmpFilesOf(file);
    if (removes) return [];
    const { unit, remove } = WORDS[file.language];
    const findings: Finding[] = [];
    // One finding per file name: `writeFile(f)` then `appendFile(f)` is one file.
    const paths = new Set<string>();
    for (const w of writes) {
      if (paths.has(w.path)) continue;
      paths.add(w.path);
      findings.push({
        ruleId: 'LL3006',
        message: `This writes a new file under /tmp on every request and nothing in this ${unit} removes it. /tmp persists across warm invocations (512 MB by default) and fills up; delete the file when done (\`${remove}\`), or reuse one name.`,
        uri: file.uri,
        span: w.span,
      });
    }
    return findings;
  },
};
