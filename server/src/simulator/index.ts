/**
 * The simulator's public API (no VS Code or LSP imports): run a scenario file or a config,
 * stream its trace events, export the trace. See docs/simulator.md.
 */
export { Simulation, type RunOptions } from './engine';
export { simulate } from './run';
export { loadScenario, resolveScenario, ScenarioError, type LoadedScenario } from './scenario';
export { defaultPlatform, defaultAsyncConfig } from './config';
export type {
  SimulationConfig,
  FunctionConfig,
  PlatformSettings,
  TrafficEntry,
  SqsQueueConfig,
  SqsMessageInput,
  StreamConfig,
  StreamRecordInput,
  AsyncConfig,
} from './config';
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from './chrome';
export { runSimulate, runSimulateProcess, formatTrace, SIMULATE_USAGE } from './cli';
export { SAMPLE_EVENTS } from './events';
export { starterScenario, type StarterScenario } from './starter';
export { liveRuntimePids } from './runtimes/process';
export * from './trace';
