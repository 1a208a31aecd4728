// Assertions that name what went wrong; assertNever closes exhaustive switches over unions.

export class FerryError extends Error {
  override name = 'FerryError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`internal error: ${message}`);
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`internal error: unhandled ${what}: ${JSON.stringify(x)}`);
}
