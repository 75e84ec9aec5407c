// What each tool an assistant may use does, in words for the people configuring it.
import type { ToolName } from "../api/assistants";

export const TOOL_INFO = {
  takeMessage: { label: "Take a message", description: "Writes down who called, why, and how to reach them." },
  scheduleCallback: { label: "Schedule a callback", description: "Books a time for your team to call the caller back." },
  checkAvailability: { label: "Check availability", description: "Looks up free slots before offering a time." },
  bookAppointment: { label: "Book appointments", description: "Books a visit or table for the caller." },
  cancelAppointment: { label: "Cancel appointments", description: "Cancels or moves an existing booking." },
  takeOrder: { label: "Take orders", description: "Takes an order from your menu or price list." },
  transferCall: { label: "Transfer calls", description: "Puts the caller through to someone in your directory." },
  lookupKnowledge: { label: "Answer from your knowledge", description: "Searches your knowledge base for answers." },
  logDriverCallout: { label: "Log driver call-outs", description: "Records a driver calling in sick or late." },
} satisfies Record<ToolName, { label: string; description: string }>;

export const TOOL_ORDER = Object.keys(TOOL_INFO) as ToolName[];

export function toolLabel(name: string): string {
  return name in TOOL_INFO ? TOOL_INFO[name as ToolName].label : name;
}
