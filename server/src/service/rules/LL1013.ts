import { basename, dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { FileSystem } from '../fs';
import { PACKAGE_SIZE } from '../limits';
import { isKnown, type FunctionModel } from '../model/types';
import { codeRoot, uriToPath } from '../project/resolve';
import type { TemplateDocument } from '../templates/template';
import { get, getPath, scalarString, type TNode } from '../templates/tree';
import type { TemplateRule } from './types';

const MB = 1024 * 1024;
/** A walk stops after this many entries; a larger tree is judged on what was counted (a lower bound). */
const MAX_ENTRIES = 100_000;
const MAX_DEPTH = 40;

/**
 * The deployment package on disk is over Lambda's 250 MB unzipped limit: the function's
 * CodeUri folder (or file) plus the local folders of the layers it uses. The message names
 * the folders and files that take the most room; `node_modules` counts, package by package,
 * since Lambda ships it.
 */
export const LL1013: TemplateRule = {
  id: 'LL1013',
  title: 'Deployment package too large',
  severity: 'error',
  scope: 'template',
  check({ template, fs }) {
    return template.functions.flatMap((fn) => {
      if (!isKnown(fn.codeUri)) return [];
      const root = codeRoot(fn);
      if (root === undefined) return [];
      const code = measure(root, fs);
      if (code === undefined) return [];
      const layers = localLayers(template, fn).flatMap((l) => {
        const m = measure(l.path, fs);
        return m === undefined ? [] : [{ ...l, size: m }];
      });
      const total = code.bytes + layers.reduce((s, l) => s + l.size.bytes, 0);
      if (total <= PACKAGE_SIZE.unzippedMb * MB) return [];
      const parts = [
        ...code.units.map((u) => ({ name: u.name, bytes: u.bytes })),
        ...layers.map((l) => ({ name: `layer ${l.logicalId}`, bytes: l.size.bytes })),
      ].sort((a, b) => b.bytes - a.bytes).slice(0, 3).filter((p, i) => i === 0 || p.bytes >= total * 0.05);
      const dominant = parts.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ');
      const withLayers = layers.length > 0 ? ` with ${layers.length === 1 ? 'its local layer' : `its ${layers.length} local layers`}` : '';
      const partial = code.partial || layers.some((l) => l.size.partial) ? 'at least ' : '';
      const zip = code.file ? ' (a zip file is never smaller than this unzipped)' : '';
      return [{
        ruleId: 'LL1013',
        message: `The code of function ${fn.logicalId}${withLayers} is ${partial}${mb(total)} on disk${zip}; Lambda allows ${PACKAGE_SIZE.unzippedMb} MB unzipped, layers included (and ${PACKAGE_SIZE.zippedMb} MB zipped for a direct upload). Largest: ${dominant}. Leave dev dependencies, tests and build caches out of the package, or use a container image.`,
        uri: fn.codeUri.uri,
        span: fn.codeUri.span,
      }];
    });
  },
};

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1)} MB`;
}

interface Size {
  readonly bytes: number;
  /** Top-level entries of the folder, and each package of a top-level `node_modules`, with their sizes, largest first. */
  readonly units: readonly { readonly name: string; readonly bytes: number }[];
  /** True when the walk stopped at MAX_ENTRIES. */
  readonly partial: boolean;
  /** True when the code is a single file (a zip or jar). */
  readonly file: boolean;
}

/** The bytes under a folder (or of a file), grouped into the units a person would trim. */
function measure(path: string, fs: FileSystem): Size | undefined {
  const st = fs.stat(path);
  if (st === undefined) return undefined;
  if (st.isFile) return { bytes: st.size, units: [{ name: basename(path), bytes: st.size }], partial: false, file: true };
  if (!st.isDirectory) return undefined;
  const units = new Map<string, number>();
  let total = 0;
  let entries = 0;
  const walk = (dir: string, rel: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const name of fs.readDirectory(dir)) {
      if (++entries > MAX_ENTRIES) return;
      const p = join(dir, name);
      const s = fs.stat(p);
      if (s === undefined) continue;
      const r = rel === '' ? name : `${rel}/${name}`;
      if (s.isDirectory) walk(p, r, depth + 1);
      else if (s.isFile) {
        total += s.size;
        const unit = unitOf(r);
        units.set(unit, (units.get(unit) ?? 0) + s.size);
      }
    }
  };
  walk(path, '', 0);
  return {
    bytes: total,
    units: [...units].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    partial: entries > MAX_ENTRIES,
    file: false,
  };
}

/** `node_modules/<pkg>` (or `node_modules/@scope/pkg`) for dependencies, else the top-level entry. */
function unitOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] === 'node_modules' && parts.length > 2) {
    const scoped = (parts[1] ?? '').startsWith('@') && parts.length > 3;
    return parts.slice(0, scoped ? 3 : 2).join('/');
  }
  return parts.length > 1 ? `${parts[0] ?? ''}/` : rel;
}

/** Layers of this template (from the function and SAM Globals) whose content is a local path. */
function localLayers(template: TemplateDocument, fn: FunctionModel): { readonly logicalId: string; readonly path: string }[] {
  const r = template.resolver;
  if (r === undefined) return [];
  const own = getPath(r.resource(fn.logicalId), 'Properties', 'Layers');
  const globals = fn.resourceType === 'AWS::Serverless::Function' ? getPath(template.root, 'Globals', 'Function', 'Layers') : undefined;
  const items = [globals, own].flatMap((n: TNode | undefined) => (n?.kind === 'seq' ? n.items : []));
  const dir = dirname(uriToPath(fn.uri));
  const seen = new Set<string>();
  const out: { logicalId: string; path: string }[] = [];
  for (const item of items) {
    const id = r.refTarget(item);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const props = get(r.resource(id), 'Properties');
    const type = r.resourceType(id);
    const content = type === 'AWS::Serverless::LayerVersion' ? get(props, 'ContentUri') : type === 'AWS::Lambda::LayerVersion' ? get(props, 'Content') : undefined;
    const value = scalarString(content)?.trim();
    if (value === undefined || value === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    out.push({ logicalId: id, path: isAbsolute(value) ? value : resolvePath(dir, value) });
  }
  return out;
}
