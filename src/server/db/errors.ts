// Recognizing PostgreSQL errors that services turn into domain errors.

type PgError = { code?: string; constraint?: string };

function pgErrorOf(error: unknown): PgError | undefined {
  let current: unknown = error;
  // Drizzle wraps driver errors; the PostgreSQL error is the cause.
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    const candidate = current as PgError & { cause?: unknown };
    if (typeof candidate.code === "string" && candidate.code.length === 5) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === "23505" && (constraint === undefined || pg.constraint === constraint);
}

/** An exclusion constraint refused the row (e.g. two appointments overlapping). */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === "23P01" && (constraint === undefined || pg.constraint === constraint);
}

/** The database is unreachable or refusing work right now: worth a retry, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    const candidate = current as { code?: string; message?: string; cause?: unknown };
    if (
      typeof candidate.code === "string" &&
      (candidate.code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "ECONNREFUSED", "ECONNRESET"].includes(candidate.code))
    )
      return true;
    if (typeof candidate.message === "string" && /timeout exceeded when trying to connect|Connection terminated/i.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}
