// The invitation email.
import { renderEmail } from "../mail/layout.js";
import type { OutgoingMail } from "../mail/mailer.js";

export function invitationMessage(input: {
  appUrl: string;
  to: string;
  token: string;
  organizationName: string;
  inviterName: string;
  role: string;
}): OutgoingMail {
  return renderEmail({
    to: input.to,
    subject: `${input.inviterName} invited you to ${input.organizationName} on Switchboard`,
    heading: `Join ${input.organizationName} on Switchboard`,
    paragraphs: [
      `${input.inviterName} invited you to join ${input.organizationName} as ${input.role === "admin" ? "an admin" : `a ${input.role}`}.`,
      "The invitation works once and expires in 7 days.",
    ],
    action: { label: "Accept invitation", url: `${input.appUrl}/invitations/${encodeURIComponent(input.token)}` },
  });
}
