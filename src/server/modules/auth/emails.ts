// The account emails: verify address, reset password, password changed, email changed.
import { renderEmail } from "../mail/layout.js";
import type { OutgoingMail } from "../mail/mailer.js";

export function verifyEmailMessage(appUrl: string, to: string, name: string, token: string, isChange: boolean): OutgoingMail {
  return renderEmail({
    to,
    subject: isChange ? "Confirm your new email address" : "Verify your email for Switchboard",
    heading: isChange ? "Confirm your new email address" : `Welcome to Switchboard, ${name}`,
    paragraphs: [
      isChange
        ? "Confirm that this is the address you want to use to sign in to Switchboard."
        : "Confirm your email address to finish setting up your account.",
      "This link works once and expires in 24 hours.",
    ],
    action: { label: isChange ? "Confirm email address" : "Verify email", url: `${appUrl}/verify-email?token=${encodeURIComponent(token)}` },
  });
}

export function resetPasswordMessage(appUrl: string, to: string, token: string): OutgoingMail {
  return renderEmail({
    to,
    subject: "Reset your Switchboard password",
    heading: "Reset your password",
    paragraphs: [
      "Someone asked to reset the password of this Switchboard account. If it was you, choose a new password below.",
      "This link works once and expires in 1 hour. If you did not ask for it, ignore this email.",
    ],
    action: { label: "Choose a new password", url: `${appUrl}/reset-password?token=${encodeURIComponent(token)}` },
  });
}

export function passwordChangedMessage(to: string): OutgoingMail {
  return renderEmail({
    to,
    subject: "Your Switchboard password was changed",
    heading: "Your password was changed",
    paragraphs: [
      "The password of your Switchboard account was just changed and your other sessions were signed out.",
      "If this was not you, reset your password now and contact support.",
    ],
  });
}

export function emailChangedMessage(to: string, newEmail: string): OutgoingMail {
  return renderEmail({
    to,
    subject: "Your Switchboard sign-in email was changed",
    heading: "Your sign-in email was changed",
    paragraphs: [`Your Switchboard account now signs in with ${newEmail}.`, "If this was not you, contact support right away."],
  });
}
