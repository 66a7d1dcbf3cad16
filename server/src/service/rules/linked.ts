import { buildHandlerModel, parseHandlerFile } from '../handlers/model';
import { buildPythonModel } from '../handlers/python/model';
import { parsePython } from '../handlers/python/parser';
import { resolvePythonHandler } from '../handlers/python/files';
import { ProjectIndex } from '../project';
import { pathToUri } from '../handlers/resolve';
import {
  httpCalls,
  sdkCalls,
  servicesUsed,
  usesOtherCredentials,
  targetedWrites,
  type HttpCall,
  type SdkCall,
  type ServiceUse,
  type TargetedWrite,
} from '../handlers/awsCalls';
import {
  pythonHttpCalls,
  pythonSdkCalls,
  pythonServicesUsed,
  pythonTargetedWrites,
  pythonUsesOtherCredentials,
} from '../handlers/python/awsCalls';
import { compiledEffects } from '../handlers/compiled';
import { handlerEffects } from '../handlers/effects';
import { pythonHandlerEffects } from '../handlers/python/effects';
import type { HandlerEffects } from '../model/effects';
import type { TemplateDocument } from '../templates/template';
import { get, getPath, scalarString } from '../templates/tree';
import { knownValue, type FunctionModel } from '../model/types';
import type { TemplateRuleContext } from './types';

/** What a function's handler file reaches over the network, whatever its language. */
export interface CodeFacts {
  /** The handler file. */
  readonly uri: string;
  readonly services: readonly ServiceUse[];
  readonly http: readonly HttpCall[];
  readonly writes: readonly TargetedWrite[];
  /** What the handler does beyond computing and logging, and whether its errors fail the invocation. */
  readonly effects: HandlerEffects | undefined;
  /** The AWS API calls of the file, and the handler (export or Python function) this function runs. */
  readonly calls: readonly SdkCall[];
  readonly handler: string;
  /** True when the code may call AWS with other credentials than the execution role's. */
  readonly otherCredentials: boolean;
}

/** Facts already read, per template (a re-parse is a new document) and index revision. */
const cache = new WeakMap<TemplateDocument, { readonly revision: string; readonly byFn: Map<string, CodeFacts> }>();

/**
 * The handler file of each function of the template, read by the handler analysis (JS/TS
 * through the project index, Python through its parser once loaded), by function logical id.
 * Template rules that need the code (LL4003, LL5002) read it here; functions without local
 * code, or in other languages, are absent. `only` limits the work to the functions a rule asks about.
 */
export function linkedCode(
  { template, fs, project }: TemplateRuleContext,
  only: ReadonlySet<string>,
): Map<string, CodeFacts> {
  const revision = project !== undefined ? `${project.generation}/${project.codeRevision}` : '';
  let cached = cache.get(template);
  if (cached === undefined || cached.revision !== revision) {
    cached = { revision, byFn: new Map() };
    cache.set(template, cached);
  }
  const known = cached.byFn;
  const out = new Map<string, CodeFacts>();
  const wanted = new Set<string>();
  for (const id of only) {
    const f = known.get(id);
    if (f === undefined) wanted.add(id);
    else out.set(id, f);
  }
  if (wanted.size === 0) return out;
  const index = project ?? new ProjectIndex(fs);
  for (const link of index.linksOfTemplate(template)) {
    if (!wanted.has(link.fn.logicalId) || out.has(link.fn.logicalId)) continue;
    const parsed = index.parsedFile(link.path);
    if (parsed === undefined) continue;
    const model = buildHandlerModel(parsed, [link.exportName]);
    out.set(link.fn.logicalId, {
      uri: link.uri,
      services: servicesUsed(model),
      http: httpCalls(model),
      writes: targetedWrites(model),
      effects: handlerEffects(model, link.exportName),
      calls: sdkCalls(model),
      handler: link.exportName,
      otherCredentials: usesOtherCredentials(model),
    });
  }
  for (const fn of template.functions) {
    if (out.has(fn.logicalId) || !wanted.has(fn.logicalId)) continue;
    const py = resolvePythonHandler(fn, fs);
    const text = py !== undefined ? fs.readFile(py.path) : undefined;
    const tree = text !== undefined ? parsePython(text) : undefined;
    if (py === undefined || text === undefined || tree === undefined) continue;
    const uri = pathToUri(py.path);
    const model = buildPythonModel(uri, text, tree, [py.functionName]);
    out.set(fn.logicalId, {
      uri,
      services: pythonServicesUsed(model),
      http: pythonHttpCalls(model),
      writes: pythonTargetedWrites(model),
      effects: pythonHandlerEffects(model, py.functionName),
      calls: pythonSdkCalls(model),
      handler: py.functionName,
      otherCredentials: pythonUsesOtherCredentials(model),
    });
  }
  // Functions without readable code are asked again (the Python parser may load later).
  for (const id of wanted) {
    const f = out.get(id);
    if (f !== undefined) known.set(id, f);
  }
  return out;
}

/**
 * What each function's handler does beyond computing and logging, for the rules whose severity
 * depends on it (LL2001, LL2003–LL2005): read by the JS/TS and Python analyses (linkedCode), or
 * for Java, Go and C# judged from what their sources import (handlers/compiled.ts). Functions
 * whose code cannot be read are absent.
 */
export function functionEffects(ctx: TemplateRuleContext, only: ReadonlySet<string>): Map<string, HandlerEffects> {
  const code = linkedCode(ctx, only);
  const out = new Map<string, HandlerEffects>();
  for (const fn of ctx.template.functions) {
    if (!only.has(fn.logicalId)) continue;
    const effects = code.get(fn.logicalId)?.effects ?? compiledEffects(fn, ctx.fs) ?? inlineEffects(ctx.template, fn);
    if (effects !== undefined) out.set(fn.logicalId, effects);
  }
  return out;
}

/** Effects of inline code already read, per template and function. */
const inlineCache = new WeakMap<TemplateDocument, Map<string, HandlerEffects | undefined>>();

/**
 * The effects of a function whose code is written in the template (`InlineCode`, `Code.ZipFile`:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html),
 * read by the JS or Python analysis like a handler file. Only the effects are taken: the code has
 * no file of its own for findings to point into. `undefined` when the code is not a plain string
 * (`!Sub`, `!Join`), the runtime is not known, or the Python parser is not loaded.
 */
function inlineEffects(template: TemplateDocument, fn: FunctionModel): HandlerEffects | undefined {
  if (!fn.inlineCode || fn.kind === 'cdk') return undefined;
  let cached = inlineCache.get(template);
  if (cached === undefined) inlineCache.set(template, (cached = new Map()));
  if (cached.has(fn.logicalId)) return cached.get(fn.logicalId);
  const props = getPath(template.root, 'Resources', fn.logicalId, 'Properties');
  const text = scalarString(get(props, 'InlineCode') ?? getPath(props, 'Code', 'ZipFile'));
  const runtime = knownValue(fn.runtime);
  const handler = knownValue(fn.handler);
  const dot = handler?.indexOf('.') ?? -1;
  const name = handler !== undefined && dot > 0 ? handler.slice(dot + 1) : undefined;
  let effects: HandlerEffects | undefined;
  if (text !== undefined && runtime !== undefined && name !== undefined && name !== '') {
    const uri = `${template.uri}#${fn.logicalId}`;
    if (runtime.startsWith('nodejs')) {
      effects = handlerEffects(buildHandlerModel(parseHandlerFile(`${uri}.js`, text), [name]), name);
    } else if (runtime.startsWith('python')) {
      const tree = parsePython(text);
      if (tree === undefined) return undefined;
      effects = pythonHandlerEffects(buildPythonModel(`${uri}.py`, text, tree, [name]), name);
    }
  }
  cached.set(fn.logicalId, effects);
  return effects;
}
