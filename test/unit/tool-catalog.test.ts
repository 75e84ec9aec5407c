// The tool catalog: one well-formed function definition per tool, in the requested order, each once.
import { describe, expect, it } from "vitest";
import { toolDefinitions } from "../../src/server/modules/assistants/tool-catalog.js";
import { TOOL_NAMES, type ToolName } from "../../src/server/modules/templates/types.js";

type PropertySchema = { type: string; description?: string; enum?: string[]; items?: Record<string, unknown> };

const expectedParameters: Record<ToolName, { required: string[]; optional: string[] }> = {
  takeMessage: { required: ["callerName", "callbackNumber", "message", "urgency"], optional: [] },
  scheduleCallback: { required: ["callerName", "callbackNumber", "preferredTime", "reason"], optional: [] },
  checkAvailability: { required: ["service", "date"], optional: ["time", "provider"] },
  bookAppointment: { required: ["callerName", "callbackNumber", "service", "startsAt"], optional: ["provider", "notes"] },
  cancelAppointment: { required: ["callerName", "callbackNumber", "appointmentDate"], optional: ["reason"] },
  takeOrder: { required: ["items", "fulfillment", "callerName", "callbackNumber"], optional: ["deliveryAddress", "notes"] },
  transferCall: { required: ["destination", "reason"], optional: [] },
  lookupKnowledge: { required: ["query"], optional: [] },
  logDriverCallout: { required: ["driverId", "driverName", "shiftDate", "reason"], optional: ["shiftStart", "expectedReturn"] },
};

describe("every tool", () => {
  it.each(TOOL_NAMES.map((name) => [name]))("%s is a complete function definition", (name) => {
    const [definition] = toolDefinitions([name]);
    expect(definition!.name).toBe(name);
    expect(definition!.description.length).toBeGreaterThan(60);
    const { parameters } = definition!;
    expect(parameters.type).toBe("object");
    expect(parameters.additionalProperties).toBe(false);
    const expected = expectedParameters[name];
    expect(parameters.required).toEqual(expected.required);
    expect(Object.keys(parameters.properties).sort()).toEqual([...expected.required, ...expected.optional].sort());
    for (const [property, schema] of Object.entries(parameters.properties as Record<string, PropertySchema>)) {
      expect(schema.type, `${name}.${property}`).toMatch(/^(string|integer|number|array|boolean|object)$/);
      expect(schema.description, `${name}.${property} has a description`).toBeTruthy();
    }
  });

  it("has a definition for every tool name and nothing else", () => {
    expect(toolDefinitions(TOOL_NAMES).map((definition) => definition.name)).toEqual([...TOOL_NAMES]);
  });

  it("survives a JSON round trip unchanged (plain data only)", () => {
    const definitions = toolDefinitions(TOOL_NAMES);
    expect(JSON.parse(JSON.stringify(definitions))).toEqual(definitions);
  });
});

describe("specific parameters", () => {
  const properties = (name: ToolName) => toolDefinitions([name])[0]!.parameters.properties as Record<string, PropertySchema>;

  it("takeMessage urgency is one of low, normal, urgent", () => {
    expect(properties("takeMessage").urgency!.enum).toEqual(["low", "normal", "urgent"]);
  });

  it("takeOrder items are objects of name, quantity and options, and fulfillment is pickup or delivery", () => {
    const order = properties("takeOrder");
    expect(order.fulfillment!.enum).toEqual(["pickup", "delivery"]);
    expect(order.items!.type).toBe("array");
    expect(order.items!.items).toMatchObject({
      type: "object",
      required: ["name", "quantity"],
      additionalProperties: false,
      properties: { name: { type: "string" }, quantity: { type: "integer", minimum: 1 }, options: { type: "array", items: { type: "string" } } },
    });
  });

  it("dates and instants say their format", () => {
    expect(properties("checkAvailability").date).toMatchObject({ type: "string", format: "date" });
    expect(properties("bookAppointment").startsAt).toMatchObject({ type: "string", format: "date-time" });
    expect(properties("logDriverCallout").shiftDate).toMatchObject({ type: "string", format: "date" });
  });

  it("descriptions tell the model when to call", () => {
    for (const definition of toolDefinitions(TOOL_NAMES)) expect(definition.description).toMatch(/\b(when|whenever|once)\b/i);
  });
});

describe("toolDefinitions(names)", () => {
  const cases: [name: string, names: ToolName[], expected: ToolName[]][] = [
    ["none", [], []],
    ["keeps the requested order", ["transferCall", "takeMessage", "lookupKnowledge"], ["transferCall", "takeMessage", "lookupKnowledge"]],
    ["drops duplicates, keeping the first", ["takeMessage", "lookupKnowledge", "takeMessage"], ["takeMessage", "lookupKnowledge"]],
    ["skips names that are not tools (stale data)", ["takeMessage", "sendFax" as ToolName, "__proto__" as ToolName], ["takeMessage"]],
  ];
  it.each(cases)("%s", (_name, names, expected) => {
    expect(toolDefinitions(names).map((definition) => definition.name)).toEqual(expected);
  });

  it("returns fresh objects: changing one does not change the catalog", () => {
    const first = toolDefinitions(["takeMessage"])[0]!;
    first.description = "changed";
    first.parameters.required!.push("nonsense");
    const second = toolDefinitions(["takeMessage"])[0]!;
    expect(second.description).not.toBe("changed");
    expect(second.parameters.required).not.toContain("nonsense");
  });

  it("lists the transfer destinations in transferCall, once each", () => {
    const [transfer] = toolDefinitions(["transferCall"], { transferDestinations: ["Dr. Rivera", "Billing", "Billing", "  ", "Front\ndesk"] });
    const destination = (transfer!.parameters.properties as Record<string, PropertySchema>).destination!;
    expect(destination.description).toContain("Dr. Rivera, Billing, Front desk.");
  });

  it("leaves the other tools unchanged when destinations are given", () => {
    expect(toolDefinitions(["takeMessage"], { transferDestinations: ["Billing"] })).toEqual(toolDefinitions(["takeMessage"]));
  });

  it("caps a long destination list", () => {
    const destinations = Array.from({ length: 80 }, (_, index) => `Person ${index}`);
    const [transfer] = toolDefinitions(["transferCall"], { transferDestinations: destinations });
    const description = (transfer!.parameters.properties as Record<string, PropertySchema>).destination!.description!;
    expect(description).toContain("Person 49");
    expect(description).not.toContain("Person 50,");
    expect(description).toContain("and 30 more");
  });
});
