/** The usage of `lambda-lens simulate` and `tune`, on their own so that the CLI can print them without loading the simulator. */
export const SIMULATE_USAGE = `Usage: lambda-lens simulate <scenario.json> [--out trace.json] [--format text|json] [--chrome chrome-trace.json]
       lambda-lens simulate <template.yaml> [--function <LogicalId>] [--print-scenario] [same options]

Runs the function's real handler (Node.js or Python) in simulated Lambda execution environments, as the scenario
says, and prints what happened: cold and warm starts, throttles, retries, REPORT lines, cost.
Given a SAM/CloudFormation template instead, it runs a starter scenario for the function:
traffic shaped by its first trigger (a burst, sequential requests, one after 15 idle minutes).
A CDK stack file (lib/stack.ts) works as a template: --function takes the construct id.

  --out <file>        also write the full trace as JSON (open it in the Lambda Lens timeline)
  --format <f>        text (default): a readable summary; json: the full trace on stdout
  --chrome <file>     also write the run in the Chrome trace-event format (Perfetto, chrome://tracing)
  --function <id>     with a template: the function's logical id (needed when there are several)
  --print-scenario    with a template: print the starter scenario (to save and edit) instead of running it
  --force             run even when Lambda would reject the function's configuration (LL1xxx errors)
  --dump-state <file> write the final contents of the emulated tables, queues, buckets and parameters
                      as JSON (- for stdout, after the report)
  --allow-dir <dir>   a folder the scenario's files (eventFile, messagesFile…) may be in besides the
                      current folder and the scenario's (repeatable)

Exit codes: 0 the run completed (function errors are results), 1 Lambda would reject the
configuration (without --force), 2 bad usage or a scenario with problems, 3 the run or writing
its output failed, 130 interrupted.
`;

export const TUNE_USAGE = `Usage: lambda-lens tune <scenario.json|template.yaml> [--function <LogicalId>] [--memory 128,512,1024,1769,3008]
                       [--tolerance <percent>] [--format text|json] [--force]

Runs the same scenario at each memory size and compares Duration, INIT and cost per million
requests on x86_64 and arm64: CPU follows memory (1,769 MB = 1 vCPU), so CPU-bound code gets
faster with memory, and each size is billed at its GB-seconds. Recommends the cheapest size and
the fastest one: the smallest size within the tolerance of the best Duration p50.

  --function <id>     with a template: the function's logical id (needed when there are several)
  --memory <list>     memory sizes in MB, comma-separated (default 128,256,512,1024,1769,3008)
  --tolerance <pct>   how close to the best Duration p50 counts as fastest (default 10)
  --format <f>        text (default): a table; json: an array with one object per size
  --force             run even when Lambda would reject the function's configuration (LL1xxx errors)
`;
