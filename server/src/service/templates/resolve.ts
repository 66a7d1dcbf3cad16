import type { Located, Setting, Span } from '../model/types';
import { SERVERLESS_VARIABLE, get, getEntry, scalarString, type TMap, type TNode } from './tree';

/**
 * Resolves template values where it can be done statically: literals, `!Ref` to a
 * Parameter with a Default, `!FindInMap` over literal Mappings, `!Sub` without variables.
 * Everything else is {@link Unresolved}, and rules do not guess about it.
 */
export class Resolver {
  constructor(
    readonly uri: string,
    private readonly parameters: TMap | undefined,
    private readonly mappings: TMap | undefined,
    private readonly resources: TMap | undefined,
  ) {}

  /** The type of a resource in the template (`AWS::SQS::Queue`, …). */
  resourceType(logicalId: string): string | undefined {
    return scalarString(get(get(this.resources, logicalId), 'Type'));
  }

  resource(logicalId: string): TMap | undefined {
    const r = get(this.resources, logicalId);
    return r?.kind === 'map' ? r : undefined;
  }

  resourceIdSpan(logicalId: string): Span | undefined {
    return getEntry(this.resources, logicalId)?.keySpan;
  }

  /** Follows `Ref` to parameters (default) and literal `FindInMap`, returning the literal node. */
  private literal(node: TNode, depth = 0): { node: TNode; why?: string } {
    if (depth > 8 || node.kind !== 'intrinsic') return { node };
    if (node.fn === SERVERLESS_VARIABLE) return { node, why: scalarString(node.arg) ?? 'a Serverless variable' };
    if (node.fn === 'Ref') {
      const name = scalarString(node.arg);
      if (name === undefined) return { node, why: 'a Ref to an unknown name' };
      const param = get(this.parameters, name);
      if (param === undefined) {
        if (name.startsWith('AWS::')) return { node, why: `the pseudo parameter ${name}` };
        return { node, why: `a Ref to ${name}` };
      }
      const def = get(param, 'Default');
      if (def === undefined) return { node, why: `parameter ${name}, which has no Default` };
      return this.literal(def, depth + 1);
    }
    if (node.fn === 'Fn::FindInMap' && node.arg.kind === 'seq' && node.arg.items.length >= 3) {
      const [m, k1, k2] = node.arg.items.map((i) => this.literal(i, depth + 1).node);
      const names = [m, k1, k2].map((n) => scalarString(n));
      if (names.every((n) => n !== undefined)) {
        const v = get(get(get(this.mappings, names[0] as string), names[1] as string), names[2] as string);
        if (v !== undefined) return this.literal(v, depth + 1);
      }
      return { node, why: 'a FindInMap that cannot be resolved statically' };
    }
    if (
      node.fn === 'Fn::Sub' &&
      node.arg.kind === 'scalar' &&
      typeof node.arg.value === 'string' &&
      !node.arg.value.includes('${')
    ) {
      return { node: node.arg };
    }
    return { node, why: `the intrinsic function ${node.fn}` };
  }

  private unresolved(node: TNode, why: string): Setting<never> {
    return { unknown: why, span: node.span, uri: this.uri };
  }

  private located<T>(value: T, node: TNode): Located<T> {
    return { value, span: node.span, uri: this.uri };
  }

  num(node: TNode | undefined): Setting<number> | undefined {
    if (node === undefined) return undefined;
    const { node: lit, why } = this.literal(node);
    if (why !== undefined) return this.unresolved(node, why);
    if (lit.kind === 'scalar') {
      if (typeof lit.value === 'number') return this.located(lit.value, node);
      if (typeof lit.value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(lit.value))
        return this.located(Number(lit.value), node);
      return this.unresolved(node, `not a number (${JSON.stringify(lit.value)})`);
    }
    return this.unresolved(
      node,
      `not a number (a ${lit.kind === 'map' ? 'mapping' : lit.kind === 'seq' ? 'list' : 'value'})`,
    );
  }

  str(node: TNode | undefined): Setting<string> | undefined {
    if (node === undefined) return undefined;
    const { node: lit, why } = this.literal(node);
    if (why !== undefined) return this.unresolved(node, why);
    if (lit.kind === 'scalar' && lit.value !== null) return this.located(String(lit.value), node);
    return this.unresolved(node, 'not a string');
  }

  bool(node: TNode | undefined): Setting<boolean> | undefined {
    if (node === undefined) return undefined;
    const { node: lit, why } = this.literal(node);
    if (why !== undefined) return this.unresolved(node, why);
    if (lit.kind === 'scalar') {
      if (typeof lit.value === 'boolean') return this.located(lit.value, node);
      if (lit.value === 'true' || lit.value === 'false') return this.located(lit.value === 'true', node);
    }
    return this.unresolved(node, 'not a boolean');
  }

  strList(node: TNode | undefined): Setting<readonly string[]> | undefined {
    if (node === undefined) return undefined;
    const { node: lit, why } = this.literal(node);
    if (why !== undefined) return this.unresolved(node, why);
    if (lit.kind === 'seq') {
      const out: string[] = [];
      for (const item of lit.items) {
        const s = this.str(item);
        if (s === undefined || 'unknown' in s)
          return this.unresolved(node, 'a list with values that cannot be resolved');
        out.push(s.value);
      }
      return this.located(out, node);
    }
    if (lit.kind === 'scalar' && typeof lit.value === 'string') return this.located([lit.value], node);
    return this.unresolved(node, 'not a list');
  }

  /** A list whose items are each resolved on their own (e.g. Layers). */
  list(node: TNode | undefined): Setting<readonly Setting<string>[]> | undefined {
    if (node === undefined) return undefined;
    const { node: lit, why } = this.literal(node);
    if (why !== undefined) return this.unresolved(node, why);
    if (lit.kind !== 'seq') return this.unresolved(node, 'not a list');
    return this.located(
      lit.items.map((i) => this.str(i) ?? this.unresolved(i, 'empty')),
      node,
    );
  }

  /**
   * The logical id a value points at: `!Ref X`, `!GetAtt X.Arn`, `!GetAtt [X, Arn]`,
   * `!Sub "${X}"` / `"${X.Arn}"`, or a plain string naming a resource of the template.
   */
  refTarget(node: TNode | undefined): string | undefined {
    if (node === undefined) return undefined;
    if (node.kind === 'intrinsic') {
      if (node.fn === 'Ref') {
        const id = scalarString(node.arg);
        return id !== undefined && this.resource(id) ? id : undefined;
      }
      if (node.fn === 'Fn::GetAtt') {
        const id = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg)?.split('.')[0];
        return id !== undefined && this.resource(id) ? id : undefined;
      }
      if (node.fn === 'Fn::Sub') {
        const s = node.arg.kind === 'seq' ? scalarString(node.arg.items[0]) : scalarString(node.arg);
        const m = s === undefined ? null : /^\$\{([A-Za-z0-9]+)(\.[A-Za-z.]+)?\}$/.exec(s.trim());
        const id = m?.[1];
        return id !== undefined && this.resource(id) ? id : undefined;
      }
      return undefined;
    }
    const s = scalarString(node);
    return s !== undefined && this.resource(s) ? s : undefined;
  }
}
