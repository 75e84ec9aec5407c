// IANA time zone validation, using the runtime's own time zone database.

// Building an Intl.DateTimeFormat costs tens of microseconds and business hours check the zone on
// every call, so valid zones are remembered (a few hundred exist; invalid ones are not kept).
const validTimeZones = new Set<string>();

export function isValidTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  if (validTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    validTimeZones.add(value);
    return true;
  } catch {
    return false;
  }
}
