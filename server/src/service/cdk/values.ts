/**
 * Static values of a CDK stack file: what an expression is worth without running it.
 * Literals, `Duration.*`, `Size.*`, `Runtime.X` and other CDK enums, local constants, object
 * literals with spreads of local objects, `path.join(__dirname, …)` and `new` expressions are
 * followed; everything else is `unknown`, with the reason kept for hovers and the docs.
 * Nothing is executed and no module is loaded.
 */
import { parseWithinBudgets } from '../parseCode';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { typescript, type TS } from './typescript';

export type Value =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'bool'; readonly v: boolean }
  /** `Duration.seconds(30)`: in seconds. */
  | { readonly k: 'duration'; readonly seconds: number }
  /** `Size.gibibytes(1)`: in MiB. */
  | { readonly k: 'size'; readonly mib: number }
  /** A member of a CDK class or enum: `aws-lambda.Runtime.NODEJS_20_X`. */
  | { readonly k: 'member'; readonly name: string }
  /** A file-system path built from `__dirname` (absolute) or a string relative to the app folder. */
  | { readonly k: 'path'; readonly v: string }
  | { readonly k: 'obj'; readonly o: Props }
  | { readonly k: 'arr'; readonly items: readonly TS.Expression[] }
  /** A `new X(…)` whose class is a CDK export (`aws-lambda.Function`); `node` is the expression. */
  | { readonly k: 'new'; readonly cls: string; readonly node: TS.NewExpression }
  /** A CDK static factory call (`aws-lambda.Code.fromAsset`). */
  | { readonly k: 'call'; readonly fn: string; readonly node: TS.CallExpression }
  /** `absent`: a stack prop the app does not pass (`undefined`: `props.x ?? 512` is 512). */
  | { readonly k: 'unknown'; readonly why: string; readonly absent?: true };

/** An object literal's properties, with spreads of local objects merged in. */
export interface Props {
  readonly entries: ReadonlyMap<string, PropEntry>;
  /** Spreads that could not be followed: any property may come from them. */
  readonly unknownSpreads: readonly TS.Node[];
  readonly node: TS.Node;
}

export interface PropEntry {
  readonly name: string;
  readonly nameNode: TS.Node;
  /** The expression that gives the value (an identifier for `{ vpc }`). */
  readonly valueNode: TS.Expression;
}

const MAX_DEPTH = 12;

/** What one `new Stack(…)` of the app passes as props. */
export interface StackInstance {
  /** Props whose value is a constant of the entry file (scalars only); others are unknown with the reason. */
  readonly values: ReadonlyMap<string, Value>;
  /** True when props may hold more than `values` says (a spread, a variable, no literal). */
  readonly open: boolean;
  /** The entry file and the stack's id, for messages: `bin/app.ts (Prod)`. */
  readonly where: string;
}

/** Stack instances (appProps.ts reads them) by `<stack file path without extension>#<class name>`. */
export type AppProps = ReadonlyMap<string, readonly StackInstance[]>;

/** The key of a stack class in AppProps (appProps.ts): its file without extension and its name. */
export function stackKey(path: string, className: string): string {
  return `${path.replace(/\.[cm]?[jt]sx?$/i, '')}#${className}`;
}

/** Maps a module specifier to the short CDK name used here (`aws-lambda`, `cdk`), or keeps it. */
export function cdkModule(spec: string): string {
  if (spec === 'aws-cdk-lib' || spec === 'aws-cdk-lib/core' || spec === '@aws-cdk/core') return 'cdk';
  const m = /^(?:aws-cdk-lib\/|@aws-cdk\/)(aws-[a-z0-9-]+?)(?:-alpha)?$/.exec(spec);
  if (m) return m[1] as string;
  if (spec === 'node:path') return 'path';
  return spec;
}

/** True when the text imports the AWS CDK (v2 `aws-cdk-lib` or v1 `@aws-cdk/*`). */
export function importsCdk(text: string): boolean {
  return /(?:from\s*|require\s*\(\s*|import\s*\(\s*)['"](?:aws-cdk-lib|@aws-cdk\/[a-z0-9-]+)(?:\/[a-z0-9-]+)?['"]/.test(
    text,
  );
}

/**
 * One stack file, parsed once: its import bindings, its constants and the `this.x = …` fields
 * of its classes, so that expressions can be evaluated anywhere in it.
 */
export class StackSource {
  readonly ts: typeof TS;
  readonly sf: TS.SourceFile;
  readonly path: string;
  /** Local name → `module` (namespace import) or `module.export`. */
  private readonly bindings = new Map<string, string>();
  /** `this.name = expr` and `name = expr` class fields. */
  private readonly fields = new Map<string, TS.Expression>();
  /** Parameter names of stack constructors' props (`props.memory` is a prop passed into the stack). */
  private readonly propsParams = new Set<string>();

  constructor(
    path: string,
    text: string,
    /** The CDK app's folder (where cdk.json is): `Code.fromAsset('lambda')` is relative to it. */
    readonly appRoot: string | undefined,
    /** What the app's entry file passes to the stacks it creates (appProps.ts). */
    private readonly appProps?: AppProps,
  ) {
    this.ts = typescript();
    const ts = this.ts;
    this.path = path;
    const kind = /\.[cm]?jsx?$/i.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    // Code past the input budgets (nesting, syntax depth, line length, size: ../parseCode.ts) is
    // not read: the parser and this reader recurse per level, and a deeply nested stack file
    // overflowed the stack (npm run fuzz seed 20261207, input 19901; `a+a+…` seed 4242, input 4993).
    this.sf =
      parseWithinBudgets(ts, path, text, kind) ?? ts.createSourceFile(path, '', ts.ScriptTarget.Latest, true, kind);
    this.collect(this.sf);
  }

  private collect(node: TS.Node): void {
    const ts = this.ts;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const mod = cdkModule(node.moduleSpecifier.text);
      const clause = node.importClause;
      if (clause?.name) this.bindings.set(clause.name.text, mod);
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) this.bindings.set(nb.name.text, mod);
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) this.bindings.set(el.name.text, `${mod}.${(el.propertyName ?? el.name).text}`);
      }
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      this.bindings.set(node.name.text, cdkModule(node.moduleReference.expression.text));
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      const req = requireSpec(ts, node.initializer);
      if (req !== undefined) {
        const mod = cdkModule(req);
        if (ts.isIdentifier(node.name)) this.bindings.set(node.name.text, mod);
        else if (ts.isObjectBindingPattern(node.name)) {
          for (const el of node.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            this.bindings.set(el.name.text, `${mod}.${prop}`);
          }
        }
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = node.left;
      if (
        ts.isPropertyAccessExpression(left) &&
        left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        !this.fields.has(left.name.text)
      ) {
        this.fields.set(left.name.text, node.right);
      }
    } else if (ts.isPropertyDeclaration(node) && node.initializer && ts.isIdentifier(node.name)) {
      this.fields.set(node.name.text, node.initializer);
    } else if (ts.isConstructorDeclaration(node)) {
      // constructor(scope, id, props?: MyStackProps): `props.x` is given by whoever creates the stack.
      const p = node.parameters[2];
      if (p && ts.isIdentifier(p.name)) this.propsParams.add(p.name.text);
    }
    ts.forEachChild(node, (c) => this.collect(c));
  }

  /** `cdk.aws_lambda.Function` / `lambda.Function` / `Function` → `aws-lambda.Function`; `undefined` when not imported. */
  qualify(expr: TS.Expression): string | undefined {
    const ts = this.ts;
    const e = unwrap(ts, expr);
    if (ts.isIdentifier(e)) return this.bindings.get(e.text);
    if (ts.isPropertyAccessExpression(e)) {
      const left = this.qualify(e.expression);
      if (left === undefined) return undefined;
      // aws-cdk-lib's namespaces: `cdk.aws_lambda_nodejs` is `aws-lambda-nodejs`.
      if (left === 'cdk' && e.name.text.startsWith('aws_')) return e.name.text.replace(/_/g, '-');
      return `${left}.${e.name.text}`;
    }
    return undefined;
  }

  /** Variable declarations by block, built on first look-up in each block. */
  private readonly declared = new Map<TS.Node, ReadonlyMap<string, TS.Expression | undefined>>();

  /** The initializer of the variable an identifier names, from the nearest enclosing block that declares it. */
  constant(id: TS.Identifier): TS.Expression | undefined {
    const ts = this.ts;
    for (let scope: TS.Node | undefined = id.parent; scope; scope = scope.parent) {
      if (!ts.isSourceFile(scope) && !ts.isBlock(scope) && !ts.isModuleBlock(scope)) continue;
      let names = this.declared.get(scope);
      if (!names) {
        const m = new Map<string, TS.Expression | undefined>();
        for (const st of scope.statements) {
          if (!ts.isVariableStatement(st)) continue;
          for (const d of st.declarationList.declarations)
            if (ts.isIdentifier(d.name) && !m.has(d.name.text)) m.set(d.name.text, d.initializer);
        }
        this.declared.set(scope, m);
        names = m;
      }
      if (names.has(id.text)) return names.get(id.text);
    }
    return undefined;
  }

  /** A `this.name` field's assigned value. */
  field(name: string): TS.Expression | undefined {
    return this.fields.get(name);
  }

  /** Evaluates an expression statically. */
  value(expr: TS.Expression | undefined, depth = 0): Value {
    const ts = this.ts;
    if (expr === undefined) return { k: 'unknown', why: 'no value' };
    if (depth > MAX_DEPTH) return { k: 'unknown', why: 'too many indirections' };
    const e = unwrap(ts, expr);
    if (ts.isNumericLiteral(e)) return { k: 'num', v: Number(e.text) };
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return { k: 'str', v: e.text };
    if (e.kind === ts.SyntaxKind.TrueKeyword) return { k: 'bool', v: true };
    if (e.kind === ts.SyntaxKind.FalseKeyword) return { k: 'bool', v: false };
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
      const v = this.value(e.operand, depth + 1);
      return v.k === 'num' ? { k: 'num', v: -v.v } : { k: 'unknown', why: 'not a number' };
    }
    if (ts.isTemplateExpression(e)) return this.template(e, depth);
    if (ts.isObjectLiteralExpression(e)) return { k: 'obj', o: this.props(e, depth) };
    if (ts.isArrayLiteralExpression(e)) return { k: 'arr', items: e.elements.filter((x) => !ts.isSpreadElement(x)) };
    if (ts.isBinaryExpression(e)) return this.binary(e, depth);
    if (ts.isIdentifier(e)) {
      if (e.text === '__dirname') return { k: 'path', v: dirname(this.path) };
      if (e.text === 'undefined') return { k: 'unknown', why: 'undefined' };
      const init = this.constant(e);
      if (init !== undefined) return this.value(init, depth + 1);
      const q = this.bindings.get(e.text);
      if (q !== undefined) return { k: 'member', name: q };
      return {
        k: 'unknown',
        why: this.isParameter(e) ? `\`${e.text}\` is a parameter` : `\`${e.text}\` is not a constant of this file`,
      };
    }
    if (ts.isPropertyAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const f = this.fields.get(e.name.text);
        return f !== undefined
          ? this.value(f, depth + 1)
          : { k: 'unknown', why: `this.${e.name.text} is not assigned in this file` };
      }
      const q = this.qualify(e);
      if (q !== undefined) return { k: 'member', name: q };
      const base = unwrap(ts, e.expression);
      if (ts.isIdentifier(base) && this.propsParams.has(base.text))
        return (
          this.passed(base, e.name.text) ?? {
            k: 'unknown',
            why: `\`${base.text}.${e.name.text}\` is a prop passed into the stack`,
          }
        );
      const left = this.value(e.expression, depth + 1);
      if (left.k === 'obj') {
        const entry = left.o.entries.get(e.name.text);
        if (entry) return this.value(entry.valueNode, depth + 1);
        return { k: 'unknown', why: `${e.name.text} is not set in the object` };
      }
      return { k: 'unknown', why: `\`${e.getText(this.sf)}\` is known only at synth time` };
    }
    if (ts.isCallExpression(e)) return this.call(e, depth);
    if (ts.isNewExpression(e)) {
      const cls = this.qualify(e.expression);
      return cls !== undefined
        ? { k: 'new', cls, node: e }
        : { k: 'unknown', why: `\`new ${e.expression.getText(this.sf)}\` is not a CDK construct` };
    }
    return { k: 'unknown', why: `\`${short(e.getText(this.sf))}\` is known only at synth time` };
  }

  /**
   * A stack prop (`props.memory` in the stack's constructor) as the app passes it: the constant
   * every `new Stack(…)` of the entry file gives, absent when none passes it; `undefined` when the
   * app's entry file does not create this stack (then the prop stays unknown).
   */
  private passed(ref: TS.Identifier, prop: string): Value | undefined {
    const ts = this.ts;
    if (this.appProps === undefined) return undefined;
    let ctor: TS.Node | undefined = ref.parent;
    while (ctor !== undefined && !ts.isConstructorDeclaration(ctor)) ctor = ctor.parent;
    const param = ctor?.parameters[2];
    const cls = ctor?.parent;
    if (!param || !ts.isIdentifier(param.name) || param.name.text !== ref.text) return undefined;
    if (!cls || !ts.isClassDeclaration(cls) || cls.name === undefined) return undefined;
    const list = this.appProps.get(stackKey(this.path, cls.name.text));
    if (list === undefined || list.length === 0) return undefined;
    const values: Value[] = list.map(
      (inst) =>
        inst.values.get(prop) ??
        (inst.open
          ? { k: 'unknown', why: `${inst.where} may pass \`${prop}\` through a spread` }
          : { k: 'unknown', why: `${inst.where} does not pass \`${prop}\``, absent: true }),
    );
    const unknown = values.find((v) => v.k === 'unknown' && v.absent !== true);
    if (unknown !== undefined) return unknown;
    const first = values[0] as Value;
    if (values.every((v) => v.k === 'unknown')) return first;
    if (values.every((v) => JSON.stringify(v) === JSON.stringify(first))) return first;
    return {
      k: 'unknown',
      why: `the app passes different values as \`${prop}\` (${list.map((i) => i.where).join(', ')})`,
    };
  }

  private isParameter(id: TS.Identifier): boolean {
    const ts = this.ts;
    for (let n: TS.Node | undefined = id.parent; n; n = n.parent) {
      if (ts.isFunctionLike(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text))
        return true;
    }
    return false;
  }

  private template(e: TS.TemplateExpression, depth: number): Value {
    let out = e.head.text;
    let path = false;
    for (const span of e.templateSpans) {
      const v = this.value(span.expression, depth + 1);
      if (v.k === 'str' || v.k === 'num') out += String(v.v);
      else if (v.k === 'path' && out === '') {
        out += v.v;
        path = true;
      } else return { k: 'unknown', why: `\`${short(e.getText(this.sf))}\` is known only at synth time` };
      out += span.literal.text;
    }
    return path ? { k: 'path', v: resolvePath(out) } : { k: 'str', v: out };
  }

  private binary(e: TS.BinaryExpression, depth: number): Value {
    const ts = this.ts;
    const op = e.operatorToken.kind;
    const l = this.value(e.left, depth + 1);
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      if (l.k === 'unknown' && l.absent === true) return this.value(e.right, depth + 1);
      // `props.memory ?? 1024`: the default is used only when nothing is passed, which is not known here.
      return l.k === 'unknown' ? { k: 'unknown', why: `\`${short(e.getText(this.sf))}\` depends on ${l.why}` } : l;
    }
    const r = this.value(e.right, depth + 1);
    if (l.k === 'num' && r.k === 'num') {
      if (op === ts.SyntaxKind.AsteriskToken) return { k: 'num', v: l.v * r.v };
      if (op === ts.SyntaxKind.PlusToken) return { k: 'num', v: l.v + r.v };
      if (op === ts.SyntaxKind.MinusToken) return { k: 'num', v: l.v - r.v };
      if (op === ts.SyntaxKind.SlashToken && r.v !== 0) return { k: 'num', v: l.v / r.v };
    }
    if (op === ts.SyntaxKind.PlusToken && (l.k === 'str' || l.k === 'num') && (r.k === 'str' || r.k === 'num'))
      return { k: 'str', v: `${l.v}${r.v}` };
    if (op === ts.SyntaxKind.PlusToken && l.k === 'path' && r.k === 'str')
      return { k: 'path', v: resolvePath(l.v + r.v) };
    return { k: 'unknown', why: `\`${short(e.getText(this.sf))}\` is known only at synth time` };
  }

  private call(e: TS.CallExpression, depth: number): Value {
    const callee = this.qualify(e.expression);
    const arg = (i: number) => this.value(e.arguments[i], depth + 1);
    const unknown = (): Value => ({
      k: 'unknown',
      why: `\`${short(e.getText(this.sf))}\` is known only at synth time`,
    });
    if (callee === undefined) {
      // `Duration.seconds(30).plus(…)` and other chains are not followed.
      return unknown();
    }
    const m = /^cdk\.Duration\.(millis|seconds|minutes|hours|days)$/.exec(callee);
    if (m) {
      const a = arg(0);
      const factor = { millis: 0.001, seconds: 1, minutes: 60, hours: 3600, days: 86400 }[m[1] as 'seconds'];
      return a.k === 'num' ? { k: 'duration', seconds: a.v * factor } : unknown();
    }
    const s = /^cdk\.Size\.(kibibytes|mebibytes|gibibytes|tebibytes)$/.exec(callee);
    if (s) {
      const a = arg(0);
      const factor = { kibibytes: 1 / 1024, mebibytes: 1, gibibytes: 1024, tebibytes: 1024 * 1024 }[
        s[1] as 'mebibytes'
      ];
      return a.k === 'num' ? { k: 'size', mib: a.v * factor } : unknown();
    }
    if (/^path\.(join|resolve)$/.test(callee)) {
      const parts = e.arguments.map((a) => this.value(a, depth + 1));
      if (parts.some((p) => p.k !== 'str' && p.k !== 'path')) return unknown();
      const strings = parts.map((p) => (p.k === 'str' || p.k === 'path' ? p.v : ''));
      const joined = callee === 'path.join' ? join(...strings) : resolvePath(...strings);
      if (isAbsolute(joined)) return { k: 'path', v: joined };
      return this.appRoot !== undefined ? { k: 'path', v: resolvePath(this.appRoot, joined) } : unknown();
    }
    if (callee.startsWith('aws-') || callee.startsWith('cdk.')) return { k: 'call', fn: callee, node: e };
    return unknown();
  }

  /** A string or path argument as an absolute path (relative strings are relative to the app folder, as `cdk synth` runs there). */
  pathOf(v: Value): string | undefined {
    if (v.k === 'path') return v.v;
    if (v.k === 'str') {
      if (isAbsolute(v.v)) return v.v;
      return this.appRoot !== undefined ? resolvePath(this.appRoot, v.v) : undefined;
    }
    return undefined;
  }

  /** An object literal's properties; `...local` spreads are merged in order, later keys win. */
  props(obj: TS.ObjectLiteralExpression, depth = 0): Props {
    const ts = this.ts;
    const entries = new Map<string, PropEntry>();
    const unknownSpreads: TS.Node[] = [];
    for (const p of obj.properties) {
      if (ts.isPropertyAssignment(p)) {
        const name = propertyName(ts, p.name);
        if (name !== undefined) entries.set(name, { name, nameNode: p.name, valueNode: p.initializer });
      } else if (ts.isShorthandPropertyAssignment(p)) {
        entries.set(p.name.text, { name: p.name.text, nameNode: p.name, valueNode: p.name });
      } else if (ts.isSpreadAssignment(p)) {
        const v = depth < MAX_DEPTH ? this.value(p.expression, depth + 1) : ({ k: 'unknown', why: '' } as const);
        if (v.k === 'obj') {
          for (const [k, entry] of v.o.entries) entries.set(k, entry);
          unknownSpreads.push(...v.o.unknownSpreads);
        } else unknownSpreads.push(p);
      } else if (ts.isMethodDeclaration(p) || ts.isAccessor(p)) {
        const name = propertyName(ts, p.name);
        if (name !== undefined) unknownSpreads.push(p);
      }
    }
    return { entries, unknownSpreads, node: obj };
  }

  /** A props argument (`{…}` or a local object) as Props; `undefined` when absent, unknown-spread props when not readable. */
  propsOf(expr: TS.Expression | undefined): Props | undefined {
    if (expr === undefined) return undefined;
    const v = this.value(expr);
    if (v.k === 'obj') return v.o;
    return { entries: new Map(), unknownSpreads: [expr], node: expr };
  }
}

function requireSpec(ts: typeof TS, e: TS.Expression): string | undefined {
  const x = unwrap(ts, e);
  if (
    ts.isCallExpression(x) &&
    ts.isIdentifier(x.expression) &&
    x.expression.text === 'require' &&
    x.arguments.length === 1
  ) {
    const a = x.arguments[0];
    if (a && ts.isStringLiteral(a)) return a.text;
  }
  return undefined;
}

export function unwrap(ts: typeof TS, e: TS.Expression): TS.Expression {
  let x = e;
  for (;;) {
    if (
      ts.isParenthesizedExpression(x) ||
      ts.isAsExpression(x) ||
      ts.isNonNullExpression(x) ||
      ts.isSatisfiesExpression(x) ||
      ts.isTypeAssertionExpression(x)
    )
      x = x.expression;
    else return x;
  }
}

export function propertyName(ts: typeof TS, n: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return undefined;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}
