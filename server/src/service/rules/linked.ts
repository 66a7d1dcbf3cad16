import { buildHandlerModel } from '../handlers/model';
import { buildPythonModel } from '../handlers/python/model';
import { parsePython } from '../handlers/python/parser';
import { resolvePythonHandler } from '../handlers/python/files';
import { ProjectIndex } from '../project';
import { pathToUri } from '../project/resolve';
import { httpCalls, servicesUsed, targetedWrites, type HttpCall, type ServiceUse, type TargetedWrite } from './awsCalls';
import { pythonHttpCalls, pythonServicesUsed, pythonTargetedWrites } from './awsCallsPython';
import type { TemplateRuleContext } from './types';

/** What a function's handler file reaches over the network, whatever its language. */
export interface CodeFacts {
  /** The handler file. */
  readonly uri: string;
  readonly services: readonly ServiceUse[];
  readonly http: readonly HttpCall[];
  readonly writes: readonly TargetedWrite[];
}

/**
 * The handler file of each function of the template, read by the handler analysis (JS/TS
 * through the project index, Python through its parser once loaded), by function logical id.
 * Template rules that need the code (LL4003, LL5002) read it here; functions without local
 * code, or in other languages, are absent. `only` limits the work to the functions a rule asks about.
 */
export function linkedCode({ template, fs, project }: TemplateRuleContext, only: ReadonlySet<string>): Map<string, CodeFacts> {
  const index = project ?? new ProjectIndex(fs);
  const out = new Map<string, CodeFacts>();
  for (const link of index.linksOfTemplate(template)) {
    if (!only.has(link.fn.logicalId)) continue;
    const parsed = index.parsedFile(link.path);
    if (parsed === undefined) continue;
    const model = buildHandlerModel(parsed, [link.exportName]);
    out.set(link.fn.logicalId, { uri: link.uri, services: servicesUsed(model), http: httpCalls(model), writes: targetedWrites(model) });
  }
  for (const fn of template.functions) {
    if (out.has(fn.logicalId) || !only.has(fn.logicalId)) continue;
    const py = resolvePythonHandler(fn, fs);
    const text = py !== undefined ? fs.readFile(py.path) : undefined;
    const tree = text !== undefined ? parsePython(text) : undefined;
    if (py === undefined || text === undefined || tree === undefined) continue;
    const uri = pathToUri(py.path);
    const model = buildPythonModel(uri, text, tree, [py.functionName]);
    out.set(fn.logicalId, { uri, services: pythonServicesUsed(model), http: pythonHttpCalls(model), writes: pythonTargetedWrites(model) });
  }
  return out;
}
