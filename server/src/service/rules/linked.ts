import { buildHandlerModel, type HandlerModel } from '../handlers/model';
import { ProjectIndex } from '../project';
import type { TemplateRuleContext } from './types';

/** A function's handler file, as the handler analysis models it, with the file's uri. */
export interface LinkedHandler {
  readonly model: HandlerModel;
  readonly uri: string;
}

/**
 * The handler file of each function of the template whose Handler resolves to a JS/TS file
 * (through the project index), by function logical id. Template rules that need the code
 * (LL4003, LL5002) read it here; functions without local code are absent.
 */
export function linkedHandlers({ template, fs, project }: TemplateRuleContext): Map<string, LinkedHandler> {
  const index = project ?? new ProjectIndex(fs);
  const out = new Map<string, LinkedHandler>();
  for (const link of index.linksOfTemplate(template)) {
    const parsed = index.parsedFile(link.path);
    if (parsed === undefined) continue;
    out.set(link.fn.logicalId, { model: buildHandlerModel(parsed, [link.exportName]), uri: link.uri });
  }
  return out;
}
