/**
 * Java, Go, C# and Rust handlers are not analysed like JS/TS and Python, but what their sources
 * import (for Rust, the crates its Cargo.toml depends on) tells whether they can have an effect at all: a handler whose code imports nothing beyond the
 * Lambda runtime's own types, the standard library's computation and serialisation, and logging
 * cannot write to a database, call an AWS service or an HTTP endpoint. Retry-wiring findings
 * (LL2001, LL2003–LL2005) take their severity from that, as they do from the JS/TS and Python
 * analyses (model/effects.ts).
 *
 * Any import not known to be local computation or logging counts as a possible effect (an SDK,
 * an HTTP or database client, a library we do not know), as do the project's sources when they
 * cannot all be read: the answer is then "effects", and the findings keep their severity.
 */
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { FileSystem } from '../fs';
import type { HandlerEffects } from '../model/effects';
import { isKnown, type FunctionModel } from '../model/types';
import { codeRoot } from './resolve';

type Language = 'java' | 'go' | 'csharp';

/**
 * Crates that only describe events, run the handler loop, serialise, log or compute. Names as
 * Cargo.toml writes them, with `-` read as `_` (cargo's own equivalence).
 */
const PURE_CRATES = new Set([
  'lambda_runtime',
  'aws_lambda_events',
  'lambda_http',
  'serde',
  'serde_json',
  'serde_derive',
  'tokio',
  'futures',
  'async_trait',
  'tracing',
  'tracing_subscriber',
  'log',
  'env_logger',
  'simple_logger',
  'chrono',
  'time',
  'uuid',
  'anyhow',
  'thiserror',
  'regex',
  'once_cell',
  'lazy_static',
  'base64',
]);

/** Imports that only compute, serialise, log or describe the Lambda event, by language (prefixes). */
const PURE: Record<Language, readonly string[]> = {
  java: [
    'java.lang',
    'java.util',
    'java.time',
    'java.math',
    'java.text',
    'java.io',
    'java.nio',
    'java.security',
    'javax.crypto',
    'javax.annotation',
    'jakarta.annotation',
    // The Java runtime's handler interfaces, Context and event classes (aws-lambda-java-core, -events).
    'com.amazonaws.services.lambda.runtime',
    'com.fasterxml.jackson',
    'com.google.gson',
    'com.google.common',
    'org.json',
    'org.slf4j',
    'org.apache.logging.log4j',
    'org.apache.log4j',
    'ch.qos.logback',
    'org.apache.commons.lang3',
    'org.apache.commons.text',
    'org.joda.time',
    'lombok',
    'software.amazon.lambda.powertools.logging',
    'software.amazon.lambda.powertools.metrics',
    'software.amazon.lambda.powertools.tracing',
    'software.amazon.cloudwatchlogs.emf',
  ],
  go: [
    'fmt',
    'log',
    'strings',
    'strconv',
    'encoding',
    'time',
    'context',
    'errors',
    'math',
    'sort',
    'slices',
    'maps',
    'bytes',
    'bufio',
    'unicode',
    'regexp',
    'sync',
    'crypto',
    'hash',
    'reflect',
    'io',
    'os',
    'path',
    'text/template',
    // The Go runtime's entry point, event types and context (github.com/aws/aws-lambda-go).
    'github.com/aws/aws-lambda-go/lambda',
    'github.com/aws/aws-lambda-go/events',
    'github.com/aws/aws-lambda-go/lambdacontext',
    'github.com/google/uuid',
    'github.com/sirupsen/logrus',
    'go.uber.org/zap',
    'github.com/rs/zerolog',
  ],
  csharp: [
    'System.Collections',
    'System.Linq',
    'System.Text',
    'System.Threading',
    'System.Globalization',
    'System.IO',
    'System.Runtime',
    'System.Diagnostics',
    'System.Security.Cryptography',
    'System.ComponentModel',
    // The .NET runtime's Core, event types, serialisers and hosting (aws-lambda-dotnet).
    'Amazon.Lambda.Core',
    'Amazon.Lambda.Serialization',
    'Amazon.Lambda.RuntimeSupport',
    'Amazon.Lambda.Annotations',
    'Microsoft.Extensions.Logging',
    'Microsoft.Extensions.DependencyInjection',
    'Microsoft.Extensions.Configuration',
    'Newtonsoft.Json',
    'AWS.Lambda.Powertools.Logging',
    'AWS.Lambda.Powertools.Metrics',
    'AWS.Lambda.Powertools.Tracing',
  ],
};

/** .NET event packages are named Amazon.Lambda.<Source>Events (SQSEvents, S3Events…). */
const CSHARP_EVENTS = /^Amazon\.Lambda\.\w+Events(\.|$)/;

/**
 * Clients reached without an import of their own: a fully qualified Java name, or a C# type that
 * the SDK's implicit global usings bring in (`<ImplicitUsings>` adds System.Net.Http:
 * https://learn.microsoft.com/dotnet/core/project-sdk/overview#implicit-using-directives).
 */
const UNIMPORTED: Partial<Record<Language, RegExp>> = {
  java: /\b(?:java\.net|java\.sql|software\.amazon\.awssdk|com\.amazonaws\.services\.(?!lambda\.runtime\b)\w+)\.\w+/,
  csharp: /\b(?:HttpClient|WebRequest|SqlConnection|TcpClient|SmtpClient)\b/,
};

const EXTENSION: Record<Language, string> = { java: '.java', go: '.go', csharp: '.cs' };
/** Folders that hold tests, build output or dependencies, not the function's sources. */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  'target',
  'build',
  'bin',
  'obj',
  'vendor',
  '.aws-sam',
  'cdk.out',
  'test',
  'tests',
  '.gradle',
  '.idea',
]);
const MAX_FILES = 300;
const MAX_DEPTH = 10;
const MAX_FILE_BYTES = 1_000_000;

/** The language of a function's code by its runtime (a `provided` runtime by its Go sources). */
function languageOf(fn: FunctionModel, root: string, fs: FileSystem): Language | undefined {
  if (!isKnown(fn.runtime)) return undefined;
  const runtime = fn.runtime.value;
  if (runtime.startsWith('java')) return 'java';
  if (runtime.startsWith('dotnet')) return 'csharp';
  if (runtime.startsWith('go')) return 'go';
  if (runtime.startsWith('provided') && fs.stat(join(root, 'go.mod'))?.isFile === true) return 'go';
  return undefined;
}

/** The sources of the function (tests and build output left out), or `undefined` past the budget. */
function sourcesUnder(root: string, language: Language, fs: FileSystem): string[] | undefined {
  const out: string[] = [];
  const pending: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const name of fs.readDirectory(next.dir)) {
      const path = join(next.dir, name);
      const stat = fs.stat(path);
      if (stat === undefined || stat.isSymbolicLink === true) continue;
      if (stat.isDirectory) {
        if (!SKIPPED.has(name) && !name.startsWith('.') && next.depth < MAX_DEPTH)
          pending.push({ dir: path, depth: next.depth + 1 });
      } else if (extname(name) === EXTENSION[language] && !/_test\.go$/.test(name)) {
        if (out.length === MAX_FILES || stat.size > MAX_FILE_BYTES) return undefined;
        out.push(path);
      }
    }
  }
  return out.sort();
}

interface Parsed {
  readonly imports: string[];
  /** The packages (Java), module (Go) or namespaces (C#) the sources declare: their own code. */
  readonly own: string[];
}

function parse(text: string, language: Language): Parsed {
  const imports: string[] = [];
  const own: string[] = [];
  if (language === 'java') {
    for (const m of text.matchAll(/^\s*import\s+(?:static\s+)?([\w.]+)(?:\.\*)?\s*;/gm)) imports.push(m[1] as string);
    for (const m of text.matchAll(/^\s*package\s+([\w.]+)\s*;/gm)) own.push(m[1] as string);
  } else if (language === 'go') {
    for (const block of text.matchAll(/^import\s*\(([^)]*)\)/gm))
      for (const m of (block[1] as string).matchAll(/"([^"]+)"/g)) imports.push(m[1] as string);
    for (const m of text.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)) imports.push(m[1] as string);
  } else {
    for (const m of text.matchAll(/^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;/gm))
      imports.push(m[1] as string);
    for (const m of text.matchAll(/^\s*namespace\s+([\w.]+)/gm)) own.push(m[1] as string);
  }
  return { imports, own };
}

const under = (name: string, prefix: string): boolean =>
  name === prefix || name.startsWith(`${prefix}.`) || name.startsWith(`${prefix}/`);

function isPure(name: string, language: Language, own: readonly string[]): boolean {
  if (PURE[language].some((p) => under(name, p))) return true;
  if (language === 'csharp' && (name === 'System' || CSHARP_EVENTS.test(name))) return true;
  // The project's own code: read here too, so its own imports decide. A C# `using` may name a parent of a namespace it declares.
  return own.some((p) => under(name, p) || (language === 'csharp' && under(p, name)));
}

interface Source {
  readonly path: string;
  readonly parsed: Parsed;
  /** Imports written out in the code instead (see UNIMPORTED). */
  readonly unimported: string | undefined;
  readonly partialBatchResponse: boolean;
}

/** The parsed sources per code folder (and its Go module), kept while their sizes and times are unchanged. */
const cache = new Map<
  string,
  { readonly signature: string; readonly sources: readonly Source[] | undefined; readonly module?: string }
>();
/** Each Cargo.toml's answer, kept while its size and time are unchanged. */
const crates = new Map<string, { readonly signature: string; readonly effects: HandlerEffects | undefined }>();

/** A file's size and modification time, to tell when what was read from it is stale. */
function signatureOf(path: string, fs: FileSystem): string {
  const stat = fs.stat(path);
  return `${path}:${stat?.size ?? ''}:${stat?.mtimeMs ?? ''}`;
}

/** Build output that holds an artifact; the project is the folder above it. */
const OUTPUT_FOLDERS = ['target', 'build', 'libs', 'dist', 'distributions'];

/**
 * What a Java, Go, C# or Rust function's code can do, from its imports; `undefined` for other
 * languages, for code that is not in the project (an image, an S3 URI) or past the walk's budget.
 */
export function compiledEffects(fn: FunctionModel, fs: FileSystem): HandlerEffects | undefined {
  // Only these runtimes are read below (languageOf, Cargo.toml): other functions are answered without
  // asking the disk, which took a keystroke in a template of Node.js functions ~10 ms (bench/lsp.ts).
  if (!isKnown(fn.runtime) || !/^(java|dotnet|go|provided)/.test(fn.runtime.value)) return undefined;
  let root = codeRoot(fn);
  if (root === undefined) return undefined;
  // A built artifact (target/app.jar, build/libs/app.zip), built or not yet: the project is above its build output.
  if (fs.stat(root)?.isFile === true || /\.(jar|zip)$/i.test(root)) {
    root = dirname(root);
    while (OUTPUT_FOLDERS.includes(basename(root))) root = dirname(root);
  }
  if (fs.stat(root)?.isDirectory !== true) return undefined;
  const manifest = join(root, 'Cargo.toml');
  if (fn.runtime.value.startsWith('provided') && fs.stat(manifest)?.isFile === true) {
    const signature = signatureOf(manifest, fs);
    let known = crates.get(manifest);
    if (known?.signature !== signature) {
      known = { signature, effects: crateEffects(manifest, fs) };
      crates.set(manifest, known);
    }
    return known.effects;
  }
  const language = languageOf(fn, root, fs);
  if (language === undefined) return undefined;
  const files = sourcesUnder(root, language, fs);
  if (files === undefined || files.length === 0) return undefined;
  const goMod = join(root, 'go.mod');
  const signature = [...files, ...(language === 'go' ? [goMod] : [])].map((f) => signatureOf(f, fs)).join('\n');
  const key = `${root}\n${language}`;
  let known = cache.get(key);
  if (known?.signature !== signature) {
    const module = language === 'go' ? /^module\s+(\S+)/m.exec(fs.readFile(goMod) ?? '')?.[1] : undefined;
    known = { signature, sources: read(files, language, fs), ...(module !== undefined ? { module } : {}) };
    cache.set(key, known);
  }
  if (known.sources === undefined) return undefined;
  const own = known.sources.flatMap((s) => s.parsed.own);
  if (known.module !== undefined) own.push(known.module);
  const sources =
    language === 'java' && isKnown(fn.handler) ? reachable(known.sources, fn.handler.value) : known.sources;
  const imports = new Set<string>();
  for (const source of sources) {
    for (const name of source.parsed.imports) imports.add(name);
    if (source.unimported !== undefined) imports.add(source.unimported);
  }
  const effects = [...imports].filter((name) => !isPure(name, language, own)).sort();
  return {
    effects: effects.slice(0, 5),
    // Whether the code catches every error is not read for these languages: errors may fail the invocation.
    errorsEscape: true,
    partialBatchResponse: sources.some((source) => source.partialBatchResponse),
  };
}

function read(files: readonly string[], language: Language, fs: FileSystem): Source[] | undefined {
  const out: Source[] = [];
  for (const path of files) {
    const text = fs.readFile(path);
    if (text === undefined) return undefined;
    out.push({
      path,
      parsed: parse(text, language),
      unimported: UNIMPORTED[language]?.exec(text)?.[0],
      // SQSBatchResponse / StreamsEventResponse (Java, .NET), events.SQSEventResponse (Go).
      partialBatchResponse: /BatchItemFailure/.test(text),
    });
  }
  return out;
}

/**
 * The Java sources a handler class can reach: its package (classes of one package need no
 * import) and, through their imports of the project's own classes, those classes' packages, and
 * so on. Functions that share a code folder (one jar, several handlers) are judged apart. All of
 * them when the handler's class is not found.
 */
function reachable(sources: readonly Source[], handler: string): readonly Source[] {
  const className = handler.split('::')[0]?.trim() ?? '';
  const packageOf = (name: string): string => name.split('.').slice(0, -1).join('.');
  const byPackage = new Map<string, Source[]>();
  for (const source of sources)
    for (const p of source.parsed.own) byPackage.set(p, [...(byPackage.get(p) ?? []), source]);
  const start = packageOf(className);
  const simple = className.split('.').pop() ?? '';
  if (!(byPackage.get(start) ?? []).some((s) => basename(s.path) === `${simple}.java`)) return sources;
  const seen = new Set<string>([start]);
  const pending = [start];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const source of byPackage.get(next) ?? []) {
      for (const name of source.parsed.imports) {
        // `a.b.C`, `a.b.*` (written `a.b`) or a static `a.b.C.member`: the first of these that is a package of the project.
        const target = [name, packageOf(name), packageOf(packageOf(name))].find((p) => byPackage.has(p));
        if (target !== undefined && !seen.has(target)) {
          seen.add(target);
          pending.push(target);
        }
      }
    }
  }
  return [...seen].flatMap((p) => byPackage.get(p) ?? []);
}

/**
 * A Rust function by its package's dependencies ([dependencies] and per-target ones): a crate
 * that is not known to be pure (an AWS SDK crate, an HTTP or database client) is an effect. A
 * manifest that does not parse, or a workspace whose members hold the code, is not judged.
 */
function crateEffects(manifest: string, fs: FileSystem): HandlerEffects | undefined {
  const text = fs.readFile(manifest);
  if (text === undefined) return undefined;
  let toml: Record<string, unknown>;
  try {
    toml = parseToml(text);
  } catch {
    return undefined;
  }
  if (toml['workspace'] !== undefined || toml['package'] === undefined) return undefined;
  const tables: unknown[] = [toml['dependencies']];
  const targets = toml['target'];
  if (targets !== null && typeof targets === 'object')
    for (const target of Object.values(targets)) tables.push((target as Record<string, unknown>)['dependencies']);
  const crates = tables.flatMap((t) => (t !== null && typeof t === 'object' ? Object.keys(t) : []));
  const effects = crates.filter((name) => !PURE_CRATES.has(name.replace(/-/g, '_'))).sort();
  return {
    effects: effects.slice(0, 5),
    errorsEscape: true,
    // Not read from the Rust sources: LL2004 then words its finding as for any handler.
    partialBatchResponse: false,
  };
}
