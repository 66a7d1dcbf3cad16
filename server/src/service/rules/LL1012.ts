import { isKnown, knownValue } from '../model/types';
import { runtimeInfo, type RuntimeInfo } from '../runtimes';
import { functionsUsing } from './format';
import type { Finding, TemplateRule } from './types';

const IDENT = '[A-Za-z_$][A-Za-z0-9_$]*';

/** What a Handler looks like for each runtime family, and how a message describes it. */
const SHAPES: Readonly<
  Record<RuntimeInfo['family'], { readonly test: (h: string) => boolean; readonly expected: string }>
> = {
  // The Node.js runtime splits the text after the last `/` at its first dot: module, then the
  // export path (which may go through nested objects). `..` is refused.
  nodejs: {
    test: (h) =>
      !h.includes('..') &&
      new RegExp(`^[^.\\s]+\\.${IDENT}(\\.${IDENT})*$`).test(h.slice(h.lastIndexOf('/') + 1)) &&
      !/\s/.test(h),
    expected:
      '`file.export`, e.g. `index.handler` or `src/app.handler` (a path before the file is allowed, `..` is not)',
  },
  // awslambdaric splits at the last dot and imports the module part (slashes become dots).
  python: {
    test: (h) => new RegExp(`^[^\\s]*[^.\\s/]\\.[A-Za-z_][A-Za-z0-9_]*$`).test(h) && !h.startsWith('.'),
    expected: '`module.function`, e.g. `app.lambda_handler` or `handlers.orders.handler`',
  },
  java: {
    test: (h) => new RegExp(`^${IDENT}(\\.${IDENT})*(::${IDENT})?$`).test(h),
    expected: '`package.Class::method` or `package.Class` (a class implementing RequestHandler)',
  },
  // Class library: Assembly::Namespace.Class::Method. Executable assembly: the assembly name alone.
  dotnet: {
    test: (h) => /^[^:\s]+::[^:\s]+\.[^:\s]+::[^:\s]+$/.test(h) || /^[^:\s]+$/.test(h),
    expected: '`Assembly::Namespace.Class::Method`, or the assembly name alone for an executable assembly',
  },
  ruby: {
    test: (h) => /^[^\s]*[^.\s/]\.[^.\s]+$/.test(h) || /^[^\s]*[^.\s/]\.(\w+::)+\w+\.\w+$/.test(h),
    expected: '`file.method` or `file.Module::Class.method`, e.g. `function.handler`',
  },
  go: { test: (h) => h.trim() !== '', expected: 'a non-empty name, usually `bootstrap`' },
  provided: { test: (h) => h.trim() !== '', expected: 'a non-empty name, usually `bootstrap`' },
};

/**
 * Handler malformed for its runtime; a Handler on an Image package (images take ImageConfig.Command);
 * no Handler on a .zip function with a runtime.
 */
export const LL1012: TemplateRule = {
  id: 'LL1012',
  title: 'Handler malformed for its runtime',
  severity: 'error',
  template({ template }) {
    const out: Finding[] = [];
    for (const fn of template.functions) {
      const h = fn.handler;
      const pkg = fn.packageType;
      if (knownValue(pkg) === 'Image') {
        if (h !== undefined) {
          out.push({
            ruleId: 'LL1012',
            message: `Function ${fn.logicalId} is an Image package, which takes no Handler (set ImageConfig.Command instead); Lambda rejects the Handler.`,
            uri: h.uri,
            span: h.span,
          });
        }
        continue;
      }
      if (pkg !== undefined && !isKnown(pkg)) continue;
      if (h === undefined) {
        if (fn.runtime !== undefined) {
          out.push({
            ruleId: 'LL1012',
            message: `Function ${fn.logicalId} is a .zip package with a Runtime but no Handler; Lambda needs a Handler to start it.`,
            uri: fn.uri,
            span: fn.idSpan,
          });
        }
        continue;
      }
      const runtime = knownValue(fn.runtime);
      const info = runtime !== undefined ? runtimeInfo(runtime) : undefined;
      if (!isKnown(h) || info === undefined) continue;
      const shape = SHAPES[info.family];
      if (shape.test(h.value)) continue;
      const what = h.value.trim() === '' ? 'Handler is empty' : `Handler "${h.value}" is not valid for ${info.id}`;
      out.push({
        ruleId: 'LL1012',
        message: `${what}: expected ${shape.expected} (${functionsUsing(template, fn, (f) => f.handler)}).`,
        uri: h.uri,
        span: h.span,
      });
    }
    return out;
  },
};
