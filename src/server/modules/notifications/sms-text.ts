// The text of a notification SMS: what happened, who called, and where to act (the caller's number
// for an escalation, else the inbox link). At most 320 characters (two segments); the link and
// number are never cut, the description is. Nothing secret goes in: ids and what the caller said.
export const MAX_SMS_LENGTH = 320;

function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

export function renderNotificationSms(parts: { label: string; title: string; caller: string | null; action: string }): string {
  const tail = ` ${oneLine(parts.action)}`;
  const head = oneLine(`Switchboard: ${parts.label}: ${parts.title}${parts.caller ? ` (${parts.caller})` : ""}.`);
  const room = MAX_SMS_LENGTH - tail.length;
  if (room <= 1) return oneLine(parts.action).slice(0, MAX_SMS_LENGTH);
  return `${head.length > room ? `${head.slice(0, room - 1).trimEnd()}…` : head}${tail}`;
}
