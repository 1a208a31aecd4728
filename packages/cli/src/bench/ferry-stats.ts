// Reads the `ferry run --stats-json` record defensively: the engine adds fields as tiers grow,
// so every field is optional and a missing one stays undefined (reported as "n/a").
// Fields read (all optional): instructions, wallMs, exits {kind: count}, processUptimeMs,
// maxRssKiB, compileMs (total compile time, ms), compiledUnits (blocks/regions compiled),
// firstChunkMs (time to the first budget exit), compile {tier: {compileMs, functions}} per
// tier (also read as ms/units), and perTier {tier: {instructions, ms}}: the guest instructions
// and time of the slices the engine entered in each tier's code.
// Invariant: only numbers the child reported come out; nothing is derived from a missing field.

export interface TierCompileCost {
  ms: number | undefined;
  units: number | undefined;
}

export interface FerryRunNumbers {
  instructions: number | undefined;
  /** The engine's own wall time for the run (after loading the program). */
  runMs: number | undefined;
  processUptimeMs: number | undefined;
  compileMs: number | undefined;
  compiledUnits: number | undefined;
  firstChunkMs: number | undefined;
  exits: number | undefined;
  compileByTier: Record<string, TierCompileCost>;
  /** Per tier: guest instructions and ms of the slices entered in its code. */
  slices: Record<string, { instructions: number; ms: number }>;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function firstNumber(raw: Record<string, unknown>, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = numberOf(raw[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function sumOfCounts(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  let total = 0;
  for (const count of Object.values(value)) total += numberOf(count) ?? 0;
  return total;
}

export function readFerryStats(raw: Record<string, unknown> | undefined): FerryRunNumbers {
  const record = raw ?? {};
  const compileByTier: Record<string, TierCompileCost> = {};
  const compile = record.compile;
  if (typeof compile === 'object' && compile !== null) {
    for (const [tier, cost] of Object.entries(compile as Record<string, unknown>)) {
      if (typeof cost !== 'object' || cost === null) continue;
      const c = cost as Record<string, unknown>;
      compileByTier[tier] = { ms: firstNumber(c, ['compileMs', 'ms']), units: firstNumber(c, ['functions', 'units', 'regions', 'blocks']) };
    }
  }
  const slices: Record<string, { instructions: number; ms: number }> = {};
  const perTier = record.perTier;
  if (typeof perTier === 'object' && perTier !== null) {
    for (const [tier, entry] of Object.entries(perTier as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as Record<string, unknown>;
      const instructions = numberOf(e.instructions);
      const ms = numberOf(e.ms);
      if (instructions !== undefined && ms !== undefined) slices[tier] = { instructions, ms };
    }
  }
  const perTierMs = Object.values(compileByTier).map((c) => c.ms).filter((v): v is number => v !== undefined);
  const perTierUnits = Object.values(compileByTier).map((c) => c.units).filter((v): v is number => v !== undefined);
  return {
    instructions: numberOf(record.instructions),
    runMs: numberOf(record.wallMs),
    processUptimeMs: numberOf(record.processUptimeMs),
    compileMs: firstNumber(record, ['compileMs', 'compileTimeMs']) ?? (perTierMs.length > 0 ? perTierMs.reduce((a, b) => a + b, 0) : undefined),
    compiledUnits: firstNumber(record, ['compiledUnits', 'compiledRegions', 'compiledBlocks', 'regions']) ?? (perTierUnits.length > 0 ? perTierUnits.reduce((a, b) => a + b, 0) : undefined),
    firstChunkMs: firstNumber(record, ['firstChunkMs']),
    exits: sumOfCounts(record.exits),
    compileByTier,
    slices,
  };
}
