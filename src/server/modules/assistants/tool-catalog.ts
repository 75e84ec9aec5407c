// The tools an assistant can call during a call, as function definitions (name, description,
// JSON-schema parameters) in the shape voice providers and chat-completion APIs take.
import { TOOL_NAMES, type ToolName } from "../templates/types.js";

export type JsonSchema = { type: "object"; properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };

export type ToolDefinition = { name: ToolName; description: string; parameters: JsonSchema };

export type ToolCatalogOptions = {
  /** Names and departments of the transfer directory, listed in transferCall's description so the model picks a real one. */
  transferDestinations?: readonly string[];
};

const callerName = { type: "string", description: "The caller's full name, as they said it." };
const callbackNumber = {
  type: "string",
  description: "The number to call back, in international format such as +14155550123. Use the number the caller is calling from unless they give another.",
};

function objectSchema(properties: Record<string, unknown>, required: string[]): JsonSchema {
  return { type: "object", properties, required, additionalProperties: false };
}

const CATALOG: Record<ToolName, ToolDefinition> = {
  takeMessage: {
    name: "takeMessage",
    description:
      "Record a message for the business when the caller wants to leave one, when nobody can help right now (for example after hours), or when you cannot answer and they want a reply. Collect the caller's name, callback number and the message first, and read the number back before calling this.",
    parameters: objectSchema(
      {
        callerName,
        callbackNumber,
        message: { type: "string", description: "The message in the caller's words: what they need and any details (dates, reference numbers)." },
        urgency: {
          type: "string",
          enum: ["low", "normal", "urgent"],
          description: "urgent only for time-critical matters (an emergency, a same-day deadline); normal otherwise.",
        },
      },
      ["callerName", "callbackNumber", "message", "urgency"],
    ),
  },
  scheduleCallback: {
    name: "scheduleCallback",
    description:
      "Ask staff to call the caller back at a time that suits them, when the caller prefers a callback to waiting, holding or leaving a general message. Confirm the preferred time and number with the caller first.",
    parameters: objectSchema(
      {
        callerName,
        callbackNumber,
        preferredTime: {
          type: "string",
          description:
            'When the caller would like to be called, as they said it or as an ISO 8601 date-time, e.g. "tomorrow after 3 pm" or "2026-03-03T15:00".',
        },
        reason: { type: "string", description: "What the callback is about, in one or two sentences." },
      },
      ["callerName", "callbackNumber", "preferredTime", "reason"],
    ),
  },
  checkAvailability: {
    name: "checkAvailability",
    description:
      "Look up free appointment slots for a service on a date, before offering or booking a time. Call it whenever the caller asks when they can come in; never guess availability.",
    parameters: objectSchema(
      {
        service: { type: "string", description: "The service or appointment type, as named in the price list or by the caller." },
        date: { type: "string", format: "date", description: "The day to check, YYYY-MM-DD in the business's time zone." },
        time: { type: "string", description: 'A preferred time of day, "HH:MM" (24-hour), when the caller has one.' },
        provider: { type: "string", description: "A specific staff member the caller asked for, if any." },
      },
      ["service", "date"],
    ),
  },
  bookAppointment: {
    name: "bookAppointment",
    description:
      "Book an appointment once the caller has chosen a free slot (checked with checkAvailability when that tool is available) and confirmed the service, time, name and number. Read the details back and get a yes before calling this.",
    parameters: objectSchema(
      {
        callerName,
        callbackNumber,
        service: { type: "string", description: "The service or appointment type." },
        startsAt: {
          type: "string",
          format: "date-time",
          description: "The start as an ISO 8601 date-time with the business's UTC offset, e.g. 2026-03-03T15:00:00-05:00.",
        },
        provider: { type: "string", description: "The staff member, when the caller chose one." },
        notes: { type: "string", description: "Anything staff should know beforehand: reason for the visit, accessibility needs." },
      },
      ["callerName", "callbackNumber", "service", "startsAt"],
    ),
  },
  cancelAppointment: {
    name: "cancelAppointment",
    description:
      "Cancel an existing appointment when the caller asks to cancel (to move one, cancel it and book the new time). Confirm which appointment with the caller before calling this.",
    parameters: objectSchema(
      {
        callerName,
        callbackNumber,
        appointmentDate: { type: "string", description: "The date (and time, if known) of the appointment to cancel, e.g. 2026-03-05 or 2026-03-05T10:30." },
        reason: { type: "string", description: "Why the caller is cancelling, if they said." },
      },
      ["callerName", "callbackNumber", "appointmentDate"],
    ),
  },
  takeOrder: {
    name: "takeOrder",
    description:
      "Place a pickup or delivery order once the caller has finished choosing. Use only items and options from the menu, read the whole order back with its total, and get a yes before calling this.",
    parameters: objectSchema(
      {
        items: {
          type: "array",
          minItems: 1,
          description: "The items ordered.",
          items: {
            type: "object",
            properties: {
              name: { type: "string", description: "The item's name exactly as on the menu." },
              quantity: { type: "integer", minimum: 1, description: "How many." },
              options: { type: "array", items: { type: "string" }, description: 'Chosen options, e.g. ["Large", "Extra cheese"].' },
            },
            required: ["name", "quantity"],
            additionalProperties: false,
          },
        },
        fulfillment: { type: "string", enum: ["pickup", "delivery"], description: "Whether the caller picks the order up or has it delivered." },
        deliveryAddress: { type: "string", description: "The full delivery address; required when fulfillment is delivery." },
        callerName,
        callbackNumber,
        notes: { type: "string", description: "Allergies, special requests, a pickup time." },
      },
      ["items", "fulfillment", "callerName", "callbackNumber"],
    ),
  },
  transferCall: {
    name: "transferCall",
    description:
      "Transfer the call to a person or department from the transfer directory when the caller asks for them or needs help only they can give. Tell the caller you are transferring them before calling this.",
    parameters: objectSchema(
      {
        destination: { type: "string", description: "The name or department exactly as listed in the transfer directory." },
        reason: { type: "string", description: "Why the caller is being transferred, in one sentence, so the person answering is prepared." },
      },
      ["destination", "reason"],
    ),
  },
  lookupKnowledge: {
    name: "lookupKnowledge",
    description:
      "Search the business's knowledge base (policies, FAQs, services, prices, directions) whenever the caller asks something the instructions above do not answer. Answer from what it returns; if it has nothing, say you are not sure and offer to take a message.",
    parameters: objectSchema({ query: { type: "string", description: "The caller's question as a short search query, e.g. 'parking near the office'." } }, [
      "query",
    ]),
  },
  logDriverCallout: {
    name: "logDriverCallout",
    description:
      "Record a driver's call-out when a driver calls to say they cannot work a shift (sick, running late, vehicle trouble), so dispatch can cover it. Collect the driver's ID, name, the shift date and the reason first, and read them back.",
    parameters: objectSchema(
      {
        driverId: { type: "string", description: "The driver's employee or badge ID." },
        driverName: { type: "string", description: "The driver's full name." },
        shiftDate: { type: "string", format: "date", description: "The date of the missed shift, YYYY-MM-DD." },
        shiftStart: { type: "string", description: 'The shift\'s start time, "HH:MM" (24-hour), if known.' },
        reason: { type: "string", description: "Why the driver cannot work the shift." },
        expectedReturn: { type: "string", description: "When the driver expects to be back, as a date (YYYY-MM-DD) or as they said it." },
      },
      ["driverId", "driverName", "shiftDate", "reason"],
    ),
  },
};

const KNOWN_TOOLS: ReadonlySet<string> = new Set(TOOL_NAMES);

/**
 * The definitions of `names`, in their order, each once. Names that are not tools (stale stored
 * data) are skipped. Each call returns fresh objects: callers may change them.
 */
export function toolDefinitions(names: readonly ToolName[], options: ToolCatalogOptions = {}): ToolDefinition[] {
  const seen = new Set<ToolName>();
  const definitions: ToolDefinition[] = [];
  for (const name of names) {
    if (!KNOWN_TOOLS.has(name) || seen.has(name)) continue;
    seen.add(name);
    const definition = structuredClone(CATALOG[name]);
    if (name === "transferCall") addTransferDestinations(definition, options.transferDestinations ?? []);
    definitions.push(definition);
  }
  return definitions;
}

const MAX_LISTED_DESTINATIONS = 50;

function addTransferDestinations(definition: ToolDefinition, destinations: readonly string[]) {
  const names = [...new Set(destinations.map((destination) => destination.replace(/\s+/g, " ").trim()).filter((destination) => destination !== ""))];
  if (names.length === 0) return;
  const listed = names.slice(0, MAX_LISTED_DESTINATIONS).join(", ");
  const more = names.length > MAX_LISTED_DESTINATIONS ? `, and ${names.length - MAX_LISTED_DESTINATIONS} more in the directory` : "";
  const destination = definition.parameters.properties.destination as { description: string };
  destination.description = `The name or department exactly as listed in the transfer directory: ${listed}${more}.`;
}
