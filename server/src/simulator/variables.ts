/**
 * The environment variables of a runtime process: the few it starts with, and the ones INIT
 * gives it (Lambda's, the function's, and those of the run's services). This is the one place
 * they are built.
 */
import type { FunctionConfig, PlatformSettings } from './config';
import type { Runtime } from './runtimes';
import { MARKER_VARIABLE } from './runtimes/process';
import type { TraceEnvironment } from './trace';

/** The host's variables every runtime process keeps: enough to find executables and a home. */
function hostBasics(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'SYSTEMROOT']) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  return env;
}

/** What a runtime process starts with, before INIT. */
export function startVariables(runtime: Runtime): Record<string, string> {
  return { ...hostBasics(), ...runtime.startVariables };
}

/**
 * The variables INIT sets for an environment: the host's basics, the function's, the run's
 * services' (`extra`, over the function's), then Lambda's reserved ones, which win over both
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export function functionVariables(
  fn: FunctionConfig,
  settings: PlatformSettings,
  runtime: Runtime,
  env: Pick<TraceEnvironment, 'logStreamName' | 'initializationType' | 'tmpDir'> & {
    version: string;
    /** The process has its own /tmp (runtimes/ephemeral.ts): no TMPDIR, as on Lambda. */
    ownTmp: boolean;
  },
  extra: Record<string, string>,
  /** The runtime process's marker (runtimes/process.ts): INIT keeps it, so what the code starts inherits it. */
  marker: string,
): Record<string, string> {
  return {
    ...hostBasics(),
    ...fn.environment,
    ...extra,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: env.version,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: env.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: env.initializationType,
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.codeRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    ...runtime.lambdaVariables,
    // Lambda's /tmp is per environment. Lambda sets no TMPDIR: /tmp is the process's own when
    // it can be (runtimes/ephemeral.ts), else each environment gets a private TMPDIR.
    ...(env.ownTmp ? {} : { TMPDIR: env.tmpDir, TMP: env.tmpDir, TEMP: env.tmpDir }),
    [MARKER_VARIABLE]: marker,
  };
}
