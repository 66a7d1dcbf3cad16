import type { CdkPropertySite, FunctionModel, QueueModel, TemplateKind, Trigger } from '../model/types';
import { parseTreeText, type ParsedTree, type PreviousParse, type SyntaxProblem } from './parse';
import { get, scalarString, type TMap, type TNode } from './tree';
import { Resolver } from './resolve';
import { readCloudFormationFunctions } from './cloudformation';
import { readServerlessTemplate } from './serverless';
import { normalizeLineBreaks } from '../decode';

/** A deployment template, parsed once per version and shared by rules, hovers and lenses. */
export interface TemplateDocument {
  readonly uri: string;
  readonly text: string;
  /** `typescript`: a CDK stack's source (TypeScript or JavaScript), read by cdk/read.ts. */
  readonly format: 'yaml' | 'json' | 'typescript';
  /** `undefined` when the text is not a template (and is not a broken one). */
  readonly kind: TemplateKind | undefined;
  readonly root: TNode | undefined;
  /** The first syntax error, when the text looks like a template but does not parse. */
  readonly syntaxError: SyntaxProblem | undefined;
  /**
   * Set when the text is past an input budget (nested too deeply, aliases expanding past the
   * node budget: see ../input.ts). Such a document is reported (LL0003) and not analysed.
   */
  readonly overLimit?: SyntaxProblem;
  readonly functions: readonly FunctionModel[];
  readonly queues: ReadonlyMap<string, QueueModel>;
  /** `AWS::Lambda::EventSourceMapping` resources whose function is not in this template (FunctionName is a name or ARN). */
  readonly detachedMappings: readonly Trigger[];
  readonly resolver: Resolver | undefined;
  /** CDK stacks: the construct props that stand for template properties (hovers). */
  readonly cdkProperties?: readonly CdkPropertySite[];
}

/** Text hints that a file is meant to be a template, used when it does not parse. */
const TEMPLATE_HINT =
  /AWSTemplateFormatVersion|AWS::Serverless|AWS::Lambda::|^Resources\s*:|"Resources"\s*:|^provider\s*:/m;

/** True when the text (its first 64 KB) reads like a template, parsed or not. */
export function looksLikeTemplate(text: string): boolean {
  return TEMPLATE_HINT.test(text.length > 65536 ? text.slice(0, 65536) : text);
}

/**
 * Reads a document as a template. Templates are recognised by content, not by file name:
 * a CloudFormation/SAM template has `AWSTemplateFormatVersion`, a SAM `Transform`, or a
 * `Resources` map whose entries have an `AWS::…` type; a Serverless Framework file has
 * `service` and `provider`.
 */
export function readTemplate(
  uri: string,
  text: string,
  format?: 'yaml' | 'json',
  previous?: PreviousParse | TemplateDocument,
): TemplateDocument {
  return readParsedTemplate(uri, text, parseTreeText(text, format, previous), previous);
}

/** {@link readTemplate} from the text's parse; `previous` is the template the parse patched, if it did. */
function readParsedTemplate(
  uri: string,
  text: string,
  parsed: ParsedTree,
  previous?: PreviousParse | TemplateDocument,
): TemplateDocument {
  if (parsed.overLimit !== undefined) {
    // Reported only for what is (or reads like) a template; other YAML is not ours to judge.
    const kind = parsed.root ? detectKind(parsed.root) : undefined;
    const overLimit = kind !== undefined || TEMPLATE_HINT.test(text.slice(0, 65536)) ? parsed.overLimit : undefined;
    return {
      uri,
      text,
      format: parsed.format,
      root: undefined,
      syntaxError: undefined,
      overLimit,
      kind,
      functions: [],
      queues: new Map(),
      detachedMappings: [],
      resolver: undefined,
    };
  }
  const root = parsed.root;
  const kind = root ? detectKind(root) : undefined;
  const firstError = parsed.syntaxErrors[0];
  const looksLikeTemplate = kind !== undefined || TEMPLATE_HINT.test(text);
  const syntaxError = firstError !== undefined && looksLikeTemplate ? firstError : undefined;
  const base = { uri, text, format: parsed.format, root, syntaxError };
  if (root?.kind !== 'map' || kind === undefined) {
    return { ...base, kind, functions: [], queues: new Map(), detachedMappings: [], resolver: undefined };
  }
  if (kind === 'serverless') {
    const { functions, queues, resolver } = readServerlessTemplate(root, uri);
    return { ...base, kind, functions, queues, detachedMappings: [], resolver };
  }
  const resolver = new Resolver(
    uri,
    mapOf(get(root, 'Parameters')),
    mapOf(get(root, 'Mappings')),
    mapOf(get(root, 'Resources')),
  );
  // After an edit inside one resource, the other functions' models may be kept (cloudformation.ts keptModels).
  const before =
    parsed.patched !== undefined && previous !== undefined && 'kind' in previous && previous.kind === kind
      ? {
          oldText: normalizeLineBreaks(previous.text),
          text: normalizeLineBreaks(text),
          functions: previous.functions,
          queues: previous.queues,
          edited: parsed.patched,
        }
      : undefined;
  const { functions, queues, detachedMappings } = readCloudFormationFunctions(root, resolver, kind, before);
  return { ...base, kind, functions, queues, detachedMappings, resolver };
}

function mapOf(node: TNode | undefined): TMap | undefined {
  return node?.kind === 'map' ? node : undefined;
}

function detectKind(root: TNode): TemplateKind | undefined {
  if (root.kind !== 'map') return undefined;
  const transform = get(root, 'Transform');
  const transforms = transform?.kind === 'seq' ? transform.items.map(scalarString) : [scalarString(transform)];
  const resources = get(root, 'Resources');
  const hasAwsResource =
    resources?.kind === 'map' &&
    resources.entries.some((e) => /^(AWS|Alexa|Custom)::/.test(scalarString(get(e.value, 'Type')) ?? ''));
  const hasSamResource =
    resources?.kind === 'map' &&
    resources.entries.some((e) => (scalarString(get(e.value, 'Type')) ?? '').startsWith('AWS::Serverless::'));
  if (transforms.some((t) => t?.startsWith('AWS::Serverless')) || hasSamResource) return 'sam';
  if (get(root, 'AWSTemplateFormatVersion') !== undefined || hasAwsResource) return 'cloudformation';
  if (get(root, 'service') !== undefined && get(root, 'provider') !== undefined) return 'serverless';
  return undefined;
}

/** The format a document's name says, if it says one. */
export function formatOf(uri: string): 'yaml' | 'json' | undefined {
  if (/\.json$/i.test(uri)) return 'json';
  if (/\.ya?ml$/i.test(uri)) return 'yaml';
  return undefined;
}

/**
 * The functions of a SAM/CloudFormation/Serverless template, for the simulator and tools: the
 * template reader alone, without the rules or the code analysis (the simulator bundle stays small).
 */
export function readTemplateFunctions(uri: string, text: string): readonly FunctionModel[] {
  return readTemplate(uri, text, formatOf(uri)).functions;
}
