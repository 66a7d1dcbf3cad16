import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import type { FileSystem } from '../fs';
import { PACKAGE_SIZE } from '../limits';
import { isKnown, type FunctionModel } from '../model/types';
import { codeRoot, uriToPath } from '../handlers/resolve';
import type { TemplateDocument } from '../templates/template';
import { get, getPath, scalarString, type TNode } from '../templates/tree';
import type { Finding, TemplateRule } from './types';
import { PackageSizes, projectRoot } from '../project/packageSize';

const MB = 1024 * 1024;

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
  template({ template, fs, project, packageSizes }) {
    const sizes = packageSizes ?? syncSizes(fs);
    const limit = PACKAGE_SIZE.unzippedMb * MB;
    const root = projectRoot(uriToPath(template.uri), fs, project?.workspaceRoots ?? []);
    return template.functions.flatMap((fn): Finding[] => {
      if (!isKnown(fn.codeUri)) return [];
      const codePath = codeRoot(fn);
      if (codePath === undefined) return [];
      const code = sizes.measure(codePath, limit, root);
      if (code.kind === 'outside') {
        return [
          {
            ruleId: 'LL1013',
            severity: 'info',
            message: `The code of function ${fn.logicalId} (${codePath}) is outside the project folder ${code.project}; Lambda Lens does not measure folders outside the project, so its package size is not checked.`,
            uri: fn.codeUri.uri,
            span: fn.codeUri.span,
          },
        ];
      }
      if (code.kind !== 'measured') return [];
      const layers = localLayers(template, fn).flatMap((l) => {
        const m = sizes.measure(l.path, limit, root);
        return m.kind === 'measured' ? [{ ...l, size: m.size }] : [];
      });
      const total = code.size.bytes + layers.reduce((s, l) => s + l.size.bytes, 0);
      if (total <= limit) return [];
      const parts = [
        ...code.size.units.map((u) => ({ name: u.name, bytes: u.bytes })),
        ...layers.map((l) => ({ name: `layer ${l.logicalId}`, bytes: l.size.bytes })),
      ]
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3)
        .filter((p, i) => i === 0 || p.bytes >= total * 0.05);
      const dominant = parts.map((p) => `${p.name} ${mb(p.bytes)}`).join(', ');
      const withLayers =
        layers.length > 0
          ? ` with ${layers.length === 1 ? 'its local layer' : `its ${layers.length} local layers`}`
          : '';
      const partial = code.size.partial || layers.some((l) => l.size.partial) ? 'at least ' : '';
      const zip = code.size.file ? ' (a zip file is never smaller than this unzipped)' : '';
      return [
        {
          ruleId: 'LL1013',
          message: `The code of function ${fn.logicalId}${withLayers} is ${partial}${mb(total)} on disk${zip}; Lambda allows ${PACKAGE_SIZE.unzippedMb} MB unzipped, layers included (and ${PACKAGE_SIZE.zippedMb} MB zipped for a direct upload). Largest: ${dominant}. Leave dev dependencies, tests and build caches out of the package, or use a container image.`,
          uri: fn.codeUri.uri,
          span: fn.codeUri.span,
        },
      ];
    });
  },
};

/** Callers without a sizer of their own (the simulator's pre-run check) measure in place, cached per file system. */
const sync = new WeakMap<FileSystem, PackageSizes>();
function syncSizes(fs: FileSystem): PackageSizes {
  let s = sync.get(fs);
  if (s === undefined) sync.set(fs, (s = new PackageSizes(fs)));
  return s;
}

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1)} MB`;
}

/** Layers of this template (from the function and SAM Globals) whose content is a local path. */
function localLayers(
  template: TemplateDocument,
  fn: FunctionModel,
): { readonly logicalId: string; readonly path: string }[] {
  const r = template.resolver;
  if (r === undefined) return [];
  const own = getPath(r.resource(fn.logicalId), 'Properties', 'Layers');
  const globals =
    fn.resourceType === 'AWS::Serverless::Function'
      ? getPath(template.root, 'Globals', 'Function', 'Layers')
      : undefined;
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
    const content =
      type === 'AWS::Serverless::LayerVersion'
        ? get(props, 'ContentUri')
        : type === 'AWS::Lambda::LayerVersion'
          ? get(props, 'Content')
          : undefined;
    const value = scalarString(content)?.trim();
    if (value === undefined || value === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    out.push({ logicalId: id, path: isAbsolute(value) ? value : resolvePath(dir, value) });
  }
  return out;
}
