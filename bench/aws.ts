/**
 * The local AWS endpoint's latency as a handler sees it (issue 16: a PutItem or GetItem round
 * trip, p50 ≤ 2 ms): a real handler with the real SDK v3 times PutItem and GetItem calls to the
 * run's endpoint, and bare HTTP round trips to a loopback server in this same process (the floor:
 * what any local HTTP call costs here), interleaved. Prints medians and the ratio; asserts nothing.
 *
 *   node --import tsx bench/aws.ts [rounds]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simulate } from '../server/src/simulator/run';
import { resolveScenario } from '../server/src/simulator/scenario';
import { stats } from './stats';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 300);
  const floor = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"Item":{"pk":{"S":"x"}}}');
    });
  });
  await new Promise<void>((r) => floor.listen(0, '127.0.0.1', () => r()));
  const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}/`;
  const dir = join(__dirname, '..', 'test', 'fixtures', 'aws', 'bench');
  const { config } = resolveScenario(
    {
      template: 'template.yaml',
      function: 'BenchFunction',
      traffic: [{ at: 0, invoke: 'sync', event: { rounds, floorUrl } }],
    },
    join(dir, 'bench.scenario.json'),
  );
  const trace = await simulate(config);
  floor.close();
  const inv = trace.invocations[0];
  if (inv?.outcome !== 'success') throw new Error(`the bench handler failed: ${JSON.stringify(inv?.error)}`);
  const r = inv.response as { put: number[]; get: number[]; floor: number[] };
  // The first rounds warm the SDK and the connection up.
  const warm = (a: number[]): number[] => a.slice(Math.min(20, Math.floor(a.length / 5)));
  const put = stats(warm(r.put));
  const get = stats(warm(r.get));
  const bare = stats(warm(r.floor));
  const recorded = stats((inv.awsCalls ?? []).map((c) => c.durationMs));
  const f = (v: number): string => `${v.toFixed(3)} ms`;
  console.log(
    `rounds ${rounds} (first ${r.put.length - warm(r.put).length} dropped as warm-up), load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `PutItem round trip from the handler (SDK v3): p50 ${f(put.median)}, p95 ${f(put.p95)}  = ${(put.median / bare.median).toFixed(2)}× the floor`,
  );
  console.log(
    `GetItem round trip from the handler (SDK v3): p50 ${f(get.median)}, p95 ${f(get.p95)}  = ${(get.median / bare.median).toFixed(2)}× the floor`,
  );
  console.log(`bare loopback HTTP round trip (floor):       p50 ${f(bare.median)}, p95 ${f(bare.p95)}`);
  console.log(`endpoint time per call as recorded (server side): p50 ${f(recorded.median)}, p95 ${f(recorded.p95)}`);
}

void main();
