/**
 * A CDK app's last synth (`cdk.out/*.template.json`), used to fill in function properties that
 * the stack source leaves Unresolved. Each synthesized resource names its construct in its
 * `aws:cdk:path` metadata (`Stack/Construct/Resource`, docs.aws.amazon.com/cdk/v2/guide/identifiers.html#identifiers_paths);
 * a construct is matched by its id when exactly one Lambda function of the synth has that id.
 * Nothing in cdk.out is ever reported on: it is read, not checked.
 */
import { join } from 'node:path';
import type { FileSystem } from '../fs';

/** The synthesized `Properties` of Lambda functions, by construct id. */
export type SynthFunctions = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** Synthesized templates larger than this are not read. */
const MAX_BYTES = 8 * 1024 * 1024;
const cache = new Map<string, { readonly key: string; readonly functions: SynthFunctions }>();

/** The functions of the synth in `<appRoot>/cdk.out`, or `undefined` when there is none. */
export function readSynth(appRoot: string, fs: FileSystem): SynthFunctions | undefined {
  const dir = join(appRoot, 'cdk.out');
  if (fs.stat(dir)?.isDirectory !== true) return undefined;
  const files = fs
    .readDirectory(dir)
    .filter((n) => n.endsWith('.template.json'))
    .sort();
  const sizes = files.map((f) => fs.stat(join(dir, f))?.size ?? -1);
  const key = files.map((f, i) => `${f}:${sizes[i]}`).join('|');
  const hit = cache.get(dir);
  if (hit?.key === key) return hit.functions;
  const byId = new Map<string, Record<string, unknown>>();
  const ambiguous = new Set<string>();
  files.forEach((f, i) => {
    if ((sizes[i] ?? -1) < 0 || (sizes[i] ?? 0) > MAX_BYTES) return;
    let template: unknown;
    try {
      template = JSON.parse(fs.readFile(join(dir, f)) ?? '');
    } catch {
      return;
    }
    const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
    for (const r of Object.values(resources)) {
      if (!isRecord(r) || r.Type !== 'AWS::Lambda::Function' || !isRecord(r.Properties) || !isRecord(r.Metadata))
        continue;
      const path = r.Metadata['aws:cdk:path'];
      if (typeof path !== 'string') continue;
      // `Stack/Api/Handler/Resource`: the function construct is the segment before `Resource`.
      const parts = path.split('/');
      const id = parts[parts.length - 1] === 'Resource' ? parts[parts.length - 2] : undefined;
      if (id === undefined) continue;
      if (byId.has(id)) ambiguous.add(id);
      byId.set(id, r.Properties);
    }
  });
  for (const id of ambiguous) byId.delete(id);
  cache.set(dir, { key, functions: byId });
  return byId;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
