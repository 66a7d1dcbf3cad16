/**
 * Lambda runtime identifiers and their lifecycle dates, as data. AWS moves these dates:
 * update the table and {@link RUNTIMES_LAST_CHECKED} together.
 *
 * Sources: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html and
 * cfn-lint's src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json
 * (https://github.com/aws-cloudformation/cfn-lint, June 2026).
 */
export const RUNTIMES_LAST_CHECKED = '2026-11-01';
export const RUNTIMES_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html';

export interface RuntimeInfo {
  readonly id: string;
  readonly family: 'nodejs' | 'python' | 'java' | 'dotnet' | 'ruby' | 'go' | 'provided';
  /** ISO dates; `undefined` when none is announced. */
  readonly deprecated: string | undefined;
  readonly blockCreate: string | undefined;
  readonly blockUpdate: string | undefined;
}

/**
 * Stands in for lifecycle dates long past that the table does not record (nodejs16.x and
 * older, python3.8 and older, go1.x, …); messages say "long ago" rather than this date.
 */
export const LONG_PAST = '2024-01-01';

function rt(
  id: string,
  family: RuntimeInfo['family'],
  deprecated?: string,
  blockCreate?: string,
  blockUpdate?: string,
): RuntimeInfo {
  return { id, family, deprecated, blockCreate, blockUpdate };
}

const past = (id: string, family: RuntimeInfo['family']) => rt(id, family, LONG_PAST, LONG_PAST, LONG_PAST);

export const RUNTIMES: readonly RuntimeInfo[] = [
  past('nodejs', 'nodejs'),
  past('nodejs4.3', 'nodejs'),
  past('nodejs4.3-edge', 'nodejs'),
  past('nodejs6.10', 'nodejs'),
  past('nodejs8.10', 'nodejs'),
  past('nodejs10.x', 'nodejs'),
  past('nodejs12.x', 'nodejs'),
  past('nodejs14.x', 'nodejs'),
  past('nodejs16.x', 'nodejs'),
  rt('nodejs18.x', 'nodejs', '2025-09-01', '2027-02-01', '2027-03-03'),
  rt('nodejs20.x', 'nodejs', '2026-04-30', '2027-02-01', '2027-03-03'),
  rt('nodejs22.x', 'nodejs', '2027-04-30', '2027-06-01', '2027-07-01'),
  rt('nodejs24.x', 'nodejs', '2028-04-30', '2028-06-01', '2028-07-01'),
  past('python2.7', 'python'),
  past('python3.6', 'python'),
  past('python3.7', 'python'),
  past('python3.8', 'python'),
  rt('python3.9', 'python', '2025-12-15', '2027-02-01', '2027-03-03'),
  rt('python3.10', 'python', '2026-10-31', '2027-02-01', '2027-03-03'),
  rt('python3.11', 'python', '2027-06-30', '2027-07-31', '2027-08-31'),
  rt('python3.12', 'python', '2028-10-31', '2028-11-30', '2029-01-10'),
  rt('python3.13', 'python', '2029-06-30', '2029-07-31', '2029-08-31'),
  rt('python3.14', 'python', '2029-06-30', '2029-07-31', '2029-08-31'),
  past('java8', 'java'),
  rt('java8.al2', 'java', '2027-06-30', '2027-07-31', '2027-08-31'),
  rt('java11', 'java', '2027-06-30', '2027-07-31', '2027-08-31'),
  rt('java17', 'java', '2027-06-30', '2027-07-31', '2027-08-31'),
  rt('java21', 'java'),
  rt('java25', 'java'),
  past('dotnetcore1.0', 'dotnet'),
  past('dotnetcore2.0', 'dotnet'),
  past('dotnetcore2.1', 'dotnet'),
  past('dotnetcore3.1', 'dotnet'),
  past('dotnet5.0', 'dotnet'),
  past('dotnet6', 'dotnet'),
  past('dotnet7', 'dotnet'),
  rt('dotnet8', 'dotnet', '2026-11-10', '2027-02-01', '2027-03-03'),
  rt('dotnet10', 'dotnet'),
  past('ruby2.5', 'ruby'),
  past('ruby2.7', 'ruby'),
  rt('ruby3.2', 'ruby', '2026-03-31', '2027-02-01', '2027-03-03'),
  rt('ruby3.3', 'ruby'),
  rt('ruby3.4', 'ruby'),
  past('go1.x', 'go'),
  past('provided', 'provided'),
  rt('provided.al2', 'provided', '2026-07-31', '2027-02-01', '2027-03-03'),
  rt('provided.al2023', 'provided'),
];

const BY_ID = new Map(RUNTIMES.map((r) => [r.id, r]));

export function runtimeInfo(id: string): RuntimeInfo | undefined {
  return BY_ID.get(id);
}

/** Where a runtime stands on a given day (ISO date). */
export type RuntimePhase = 'supported' | 'deprecated' | 'create-blocked' | 'update-blocked';

export function runtimePhase(info: RuntimeInfo, today: string): RuntimePhase {
  if (info.blockUpdate !== undefined && today >= info.blockUpdate) return 'update-blocked';
  if (info.blockCreate !== undefined && today >= info.blockCreate) return 'create-blocked';
  if (info.deprecated !== undefined && today >= info.deprecated) return 'deprecated';
  return 'supported';
}

/** The closest known runtime id to a typo (`nodejs22.z` → `nodejs22.x`), by edit distance. */
export function closestRuntime(id: string): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const r of RUNTIMES) {
    if (runtimePhase(r, LONG_PAST) === 'update-blocked') continue;
    const d = editDistance(id.toLowerCase(), r.id);
    if (d < bestDist) {
      bestDist = d;
      best = r.id;
    }
  }
  return bestDist <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}
