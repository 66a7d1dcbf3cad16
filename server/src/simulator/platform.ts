/**
 * The platform types: what invocation sources (sources/*) and per-run services see of a
 * simulation, and what a caller passes to run one. Types only, so that sources depend on this
 * module and not on the engine that implements it.
 */
import type { SimClock } from './clock';
import type { FunctionConfig, PlatformSettings } from './config';
import type { AccountConcurrency } from './pool';
import type {
  DeliveryKind,
  InvocationSource,
  TraceEnvironment,
  TraceEvent,
  TraceInput,
  TraceInvocation,
} from './trace';

export interface RunOptions {
  /** Receives every trace event as it happens (the panel streams them). */
  onEvent?: (event: TraceEvent) => void;
  /** Cancels the run: every child is killed and pending inputs are dropped with a reason. */
  signal?: AbortSignal;
  /**
   * Executables the host chose (editor settings), used instead of the ones found on PATH:
   * a path or a command name. The run fails at its start with a sentence when one does not run.
   */
  executables?: { node?: string; python?: string };
  /** Services that run beside the platform for this run (see `RunService`). */
  services?: RunService[];
  /** Set when the function is one of several in a run (run.ts): they share the clock and the trace. */
  member?: RunMember;
}

/** A function's place in a run of several functions (run.ts). */
export interface RunMember {
  /** The run's clock, shared by every function's platform. */
  clock: SimClock;
  /** The function's logical id: recorded on its environments and invocations, and prefixing their ids (not for the scenario's own function). */
  functionId: string;
  /** True for the scenario's function: it emits run-start. run.ts emits run-end with the whole run's trace. */
  primary: boolean;
  /** The account's concurrency, shared by the run's functions. */
  account: AccountConcurrency;
}

/**
 * A service that lives as long as one run, beside the platform (for example a local endpoint the
 * handlers' SDK calls reach). The engine calls it at three points: when an environment's
 * variables are built, when a request starts on an environment, and when its invocation record
 * is complete (before it is emitted, so that what the service attaches is in the trace).
 */
export interface RunService {
  /** Variables added to an environment's function variables at INIT (Lambda's own win). */
  environmentVariables?(env: Readonly<TraceEnvironment>): Record<string, string>;
  /** Host paths the runtime processes read (they stay visible in an environment's own /tmp, runtimes/ephemeral.ts). */
  hostPaths?(): string[];
  /** A request starts running on `envId` (its attempt and the inputs it carries in `request`). */
  invocationStarted?(requestId: string, envId: string, request: InvokeRequest): void;
  /** The invocation's record is complete; the service may attach its records to it. */
  invocationEnded?(invocation: TraceInvocation): void;
  /** The run is over: release what the service holds. */
  close?(): Promise<void>;
}

/** A request as the sources hand it to the platform. */
export interface InvokeRequest {
  source: InvocationSource;
  event: unknown;
  requestId: string;
  attempt: number;
  /** Ledger ids of the inputs this request carries. */
  inputs: string[];
}

/** The part of the engine that invocation sources use. */
export interface Platform {
  readonly clock: SimClock;
  readonly fn: FunctionConfig;
  readonly settings: PlatformSettings;
  readonly functionArn: string;
  /** Simulated wall-clock ISO time of simulated `ms`. */
  iso(ms: number): string;
  /** Register an input; returns its ledger id. */
  put(source: InvocationSource, externalId: string): string;
  /** Give inputs their fate (each input settles once; later calls are ignored). */
  settle(ids: string[], fate: TraceInput['fate'], reason: string): void;
  /** Count a receive of inputs by the handler. */
  attempted(ids: string[]): void;
  /** Run one request on an environment (or throttle it). */
  invoke(request: InvokeRequest): Promise<TraceInvocation>;
  /** Null while requests may run; else why not (the run is cancelled or `maxInvocations` is reached). */
  canInvoke(): string | null;
  deliver(
    kind: DeliveryKind,
    target: string | null,
    inputs: string[],
    requestId: string | null,
    condition: string,
    record: unknown,
  ): void;
  emit(event: TraceEvent): void;
}
