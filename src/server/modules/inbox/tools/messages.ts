// takeMessage, scheduleCallback and logDriverCallout: each leaves one inbox item for the team.
import { createInboxItem } from "../items.js";
import type { ToolArguments } from "./arguments.js";
import { addDays, localParts, rejected, type ToolEnv, type ToolOutcome } from "./context.js";

function base(env: ToolEnv) {
  return { organizationId: env.call.organizationId, callId: env.call.callId, assistantId: env.assistant?.id ?? env.call.assistantId };
}

export async function takeMessage(env: ToolEnv, args: ToolArguments<"takeMessage">): Promise<ToolOutcome> {
  const inboxItemId = await createInboxItem(env.tx, env.ctx.jobs, {
    ...base(env),
    kind: "message",
    title: `${args.urgency === "urgent" ? "Urgent message" : "Message"} from ${args.callerName}`,
    details: { message: args.message, urgency: args.urgency, callbackNumber: args.callbackNumber, callerNumber: env.call.callerNumber },
    callerName: args.callerName,
    callerNumber: args.callbackNumber,
  });
  return {
    outcome: "succeeded",
    inboxItemId,
    text: `Message recorded for the team. Tell ${args.callerName} it has been passed on and someone will call back on ${args.callbackNumber}.`,
  };
}

/** An ISO date-time the caller's preferred time may be given as (with or without an offset). */
function isoInstant(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export async function scheduleCallback(env: ToolEnv, args: ToolArguments<"scheduleCallback">): Promise<ToolOutcome> {
  const dueAt = isoInstant(args.preferredTime);
  if (dueAt && dueAt.getTime() < env.now.getTime() - 60 * 60_000) return rejected("That callback time is in the past; ask the caller for a time from now on.");
  const inboxItemId = await createInboxItem(env.tx, env.ctx.jobs, {
    ...base(env),
    kind: "callback",
    title: `Call back ${args.callerName}: ${args.preferredTime}`,
    details: { preferredTime: args.preferredTime, reason: args.reason, callbackNumber: args.callbackNumber, callerNumber: env.call.callerNumber },
    callerName: args.callerName,
    callerNumber: args.callbackNumber,
    dueAt,
  });
  return {
    outcome: "succeeded",
    inboxItemId,
    text: `Callback request recorded: the team will call ${args.callerName} on ${args.callbackNumber}, preferred time ${args.preferredTime}. Confirm this with the caller.`,
  };
}

const CALLOUT_WINDOW_DAYS = 60;

export async function logDriverCallout(env: ToolEnv, args: ToolArguments<"logDriverCallout">): Promise<ToolOutcome> {
  const timeZone = env.assistant?.businessHours?.timezone ?? "UTC";
  const today = localParts(timeZone, env.now).date;
  if (args.shiftDate < addDays(today, -7) || args.shiftDate > addDays(today, CALLOUT_WINDOW_DAYS))
    return rejected(`The shift date ${args.shiftDate} is not a shift a call-out can be logged for (today is ${today}); check the date with the driver.`);
  const inboxItemId = await createInboxItem(env.tx, env.ctx.jobs, {
    ...base(env),
    kind: "driver_callout",
    title: `Driver call-out: ${args.driverName} (${args.driverId}), shift ${args.shiftDate}${args.shiftStart ? ` ${args.shiftStart}` : ""}`,
    details: {
      driverId: args.driverId,
      driverName: args.driverName,
      shiftDate: args.shiftDate,
      shiftStart: args.shiftStart ?? null,
      reason: args.reason,
      expectedReturn: args.expectedReturn ?? null,
    },
    callerName: args.driverName,
    callerNumber: env.call.callerNumber,
  });
  return {
    outcome: "succeeded",
    inboxItemId,
    text: `Call-out logged for ${args.driverName} (ID ${args.driverId}) on ${args.shiftDate}; dispatch has been notified.`,
  };
}
