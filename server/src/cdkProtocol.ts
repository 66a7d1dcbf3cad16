/**
 * The `lambdaLens/cdkSimulation` request (client → server): CDK stacks rendered as the SAM
 * template the simulator reads (service/cdk/simulation.ts). The extension's simulator holds no
 * TypeScript compiler, so "Simulate Function…" asks the language server, which reads stacks.
 * Without `uri`: every stack of the workspace, not built (to list their functions). With `uri`
 * and `build`: that stack, its NodejsFunction entries compiled, right before a run.
 */
export const CDK_SIMULATION_METHOD = 'lambdaLens/cdkSimulation';

export interface CdkSimulationParams {
  readonly uri?: string;
  readonly build?: boolean;
}

export interface CdkStackRendering {
  readonly uri: string;
  /** The stack file's path: a scenario names it as its `template`. */
  readonly path: string;
  /** The SAM template (JSON text). */
  readonly template: string;
  readonly warnings: readonly string[];
}

export interface CdkSimulationResult {
  readonly stacks: readonly CdkStackRendering[];
}
