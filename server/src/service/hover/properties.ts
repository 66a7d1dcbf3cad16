import { EPHEMERAL_STORAGE, MEMORY, TIMEOUT } from '../limits';

/** Hover text for one template property, as data. Markdown; values come from limits.ts. */
export interface PropertyDoc {
  readonly summary: string;
  /** Limits and defaults, one line each. */
  readonly limits?: readonly string[];
  readonly source?: string;
}

const n = (x: number) => x.toLocaleString('en-US');

/** Properties of a Lambda function, shared by `AWS::Serverless::Function`, `AWS::Lambda::Function` and SAM `Globals.Function`. */
export const FUNCTION_PROPERTIES: Readonly<Record<string, PropertyDoc>> = {
  MemorySize: {
    summary: `Memory for each execution environment. CPU scales with it: ${n(MEMORY.mbPerVcpu)} MB is one vCPU, and CPU-bound code (including INIT) runs faster with more memory.`,
    limits: [`${n(MEMORY.min)}–${n(MEMORY.max)} MB in 1 MB steps`, `default ${MEMORY.default} MB`],
    source: MEMORY.source,
  },
  Timeout: {
    summary: 'How long one invocation may run before Lambda stops it. A timeout ends the execution environment: the next request is a cold start.',
    limits: [`${TIMEOUT.min}–${TIMEOUT.max} ${TIMEOUT.unit}`, `default ${TIMEOUT.default} seconds`],
    source: TIMEOUT.source,
  },
  EphemeralStorage: {
    summary: 'Size of `/tmp`. It persists across warm invocations of the same execution environment, so per-request files add up.',
    limits: [`${n(EPHEMERAL_STORAGE.min)}–${n(EPHEMERAL_STORAGE.max)} MB`, `default ${EPHEMERAL_STORAGE.default} MB`],
    source: EPHEMERAL_STORAGE.source,
  },
};
