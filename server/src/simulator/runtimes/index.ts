/**
 * The language of a function's runtime, behind one interface: which executable runs the
 * handler, which bootstrap it runs, and what differs in Lambda's environment between Node.js and
 * Python. The processes themselves are runtimes/process.ts's, the same for both.
 */
import type { TraceRuntime } from '../trace';
import { nodeBootstrapPath, resolveNodeBinary, runtimeMajor, startEnv } from './node';
import { isPythonRuntime, pythonBootstrapPath, pythonVersion, resolvePythonBinary } from './python';

export interface Runtime {
  readonly language: 'nodejs' | 'python';
  /** The executable and how close it is to the runtime id (for the trace). */
  readonly trace: TraceRuntime;
  /** The bootstrap script the child process runs (found on first use). */
  bootstrap(): string;
  /** Variables the process needs to start, before INIT sets the function's. */
  readonly startVariables: Record<string, string>;
  /** Lambda's variables that depend on the language (AWS_EXECUTION_ENV, NODE_PATH). */
  readonly lambdaVariables: Record<string, string>;
  /** The INIT_START line of each environment. */
  readonly initStartLine: string;
  /** Node 24 rejects callback handlers at INIT (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html). */
  readonly rejectCallbackHandlers: boolean;
  /** `context.succeed/fail/done` exist up to nodejs22.x. */
  readonly legacyContextMethods: boolean;
}

/** The runtime for a runtime id, with the executable the host chose when it chose one. Throws a sentence when none runs. */
export function resolveRuntime(runtimeId: string, executables: { node?: string; python?: string } = {}): Runtime {
  if (isPythonRuntime(runtimeId)) {
    const trace = resolvePythonBinary(runtimeId, executables.python);
    return {
      language: 'python',
      trace,
      bootstrap: pythonBootstrapPath,
      startVariables: {},
      lambdaVariables: { AWS_EXECUTION_ENV: `AWS_Lambda_${runtimeId}` },
      initStartLine: `INIT_START Runtime Version: python:${pythonVersion(runtimeId) ?? '3'}.v0\tRuntime Version ARN: simulated on Python ${trace.version}`,
      rejectCallbackHandlers: false,
      legacyContextMethods: false,
    };
  }
  const trace = resolveNodeBinary(runtimeId, executables.node);
  const major = runtimeMajor(runtimeId) ?? 22;
  return {
    language: 'nodejs',
    trace,
    bootstrap: nodeBootstrapPath,
    startVariables: startEnv(trace.binary),
    lambdaVariables: {
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${major}.x`,
      NODE_PATH: '/opt/nodejs/node_modules:/var/runtime/node_modules',
    },
    initStartLine: `INIT_START Runtime Version: nodejs:${major}.v0\tRuntime Version ARN: simulated on Node ${trace.version}`,
    rejectCallbackHandlers: major >= 24,
    legacyContextMethods: major <= 22,
  };
}
