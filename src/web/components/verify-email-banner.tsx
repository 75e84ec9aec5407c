// The banner shown while the user's email address is unverified, with a "Resend email" button.
import { useMutation } from "@tanstack/react-query";
import { MailWarning } from "lucide-react";
import { api, unwrap } from "../api/client";
import { problemMessage } from "../api/problem";
import type { User } from "../api/queries";
import { Button } from "./button";

export function VerifyEmailBanner({ user }: { user: User }) {
  const resend = useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/auth/resend-verification")) });
  if (user.emailVerified) return null;
  return (
    <section aria-label="Email verification" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-2.5 text-sm text-amber-900 sm:flex-row sm:items-center sm:px-6 lg:px-10">
        <MailWarning aria-hidden className="hidden size-4 shrink-0 sm:block" />
        <p className="flex-1">
          <span className="font-medium">Verify your email address.</span> We sent a link to <span className="font-medium">{user.email}</span>.
          {resend.isSuccess && <span role="status"> A new link is on its way.</span>}
          {resend.isError && <span role="alert"> {problemMessage(resend.error)}</span>}
        </p>
        <Button variant="secondary" size="sm" pending={resend.isPending} disabled={resend.isSuccess} onClick={() => resend.mutate()}>
          {resend.isSuccess ? "Email sent" : "Resend email"}
        </Button>
      </div>
    </section>
  );
}
