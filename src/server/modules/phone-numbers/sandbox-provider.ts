// The sandbox provider: numbers in the range NANP reserves for fiction (+1 NXX 555-0100 to 0199),
// which no real phone can dial, so a new user can try everything with no vendor account.
import { Invalid } from "../../errors.js";
import type { AvailableNumber, NumberProvider, NumberSearch, ProvisionedNumber, ProvisionRequest } from "./providers.js";

export const SANDBOX_DEFAULT_AREA_CODE = "415";
const SANDBOX_NUMBER = /^\+1([2-9]\d{2})55501(\d{2})$/;

export function isSandboxNumber(number: string): boolean {
  return SANDBOX_NUMBER.test(number);
}

function sandboxRange(areaCode: string): string[] {
  return Array.from({ length: 100 }, (_, i) => `+1${areaCode}55501${String(i).padStart(2, "0")}`);
}

function assertUsCountry(country: string) {
  if (country !== "US") {
    throw new Invalid("VALIDATION_FAILED", "Sandbox numbers are US numbers: use country US.", [{ path: "country", message: "Use US for sandbox numbers." }]);
  }
}

/** `takenAmong` says which of the given numbers are already someone's (the platform directory). */
export function sandboxProvider(takenAmong: (numbers: string[]) => Promise<Set<string>>): NumberProvider {
  const freeIn = async (areaCode: string) => {
    const range = sandboxRange(areaCode);
    const taken = await takenAmong(range);
    return range.filter((n) => !taken.has(n));
  };
  return {
    name: "sandbox",
    async search(query: NumberSearch): Promise<AvailableNumber[]> {
      assertUsCountry(query.country);
      const free = await freeIn(query.areaCode ?? SANDBOX_DEFAULT_AREA_CODE);
      return free.slice(0, query.limit).map((number) => ({ number, locality: "Sandbox", region: null, country: "US" }));
    },
    async provision(request: ProvisionRequest): Promise<ProvisionedNumber> {
      assertUsCountry(request.country);
      if (request.number !== undefined) {
        if (!isSandboxNumber(request.number)) {
          const message = "Sandbox numbers look like +1 NXX 555-01YY; pick one from the search.";
          throw new Invalid("VALIDATION_FAILED", message, [{ path: "body.number", message }]);
        }
        return { number: request.number, providerNumberId: null };
      }
      const [first] = await freeIn(request.areaCode ?? SANDBOX_DEFAULT_AREA_CODE);
      if (!first) throw new Invalid("NUMBER_UNAVAILABLE", "No sandbox numbers are left in that area code; try another.");
      return { number: first, providerNumberId: null };
    },
    async release() {},
  };
}
