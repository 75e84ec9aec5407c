// The link from a verification email (/verify-email?token=…): posts the token once and says whether
// the address is now verified. The same link confirms a change of sign-in email.
import { useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { CircleCheck, CircleX } from "lucide-react";
import { useEffect, useState } from "react";
import { api, unwrap } from "../api/client";
import { problemMessage } from "../api/problem";
import { queryKeys } from "../api/queries";
import { AuthCard } from "../components/auth-card";
import { buttonClasses } from "../components/button";
import { LoadingState } from "../components/states";
import { useSession } from "../lib/use-session";

const route = getRouteApi("/link/verify-email");

// Tokens work once: remember each attempt so a re-render (or StrictMode's double effect) never posts twice.
const attempts = new Map<string, Promise<void>>();

function verifyOnce(token: string): Promise<void> {
  let attempt = attempts.get(token);
  if (!attempt) {
    attempt = unwrap(api.POST("/api/v1/auth/verify-email", { body: { token } })).then(() => undefined);
    attempts.set(token, attempt);
  }
  return attempt;
}

type Outcome = { state: "pending" } | { state: "verified" } | { state: "failed"; message: string };

export function VerifyEmailPage() {
  const { token } = route.useSearch();
  const { status } = useSession();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome>(
    token ? { state: "pending" } : { state: "failed", message: "This link is incomplete. Open it again from the email." },
  );

  useEffect(() => {
    if (!token) return;
    let current = true;
    verifyOnce(token).then(
      () => {
        if (!current) return;
        setOutcome({ state: "verified" });
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      },
      (error: unknown) => current && setOutcome({ state: "failed", message: problemMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [token, queryClient]);

  const next =
    status === "signed-in" ? (
      <Link to="/" className={buttonClasses("primary", "md", "mt-6 w-full")}>
        Continue to Switchboard
      </Link>
    ) : (
      <Link to="/signin" className={buttonClasses("primary", "md", "mt-6 w-full")}>
        Sign in
      </Link>
    );

  if (outcome.state === "pending") {
    return (
      <AuthCard title="Verifying your email">
        <LoadingState label="Checking your link…" className="py-6" />
      </AuthCard>
    );
  }
  if (outcome.state === "verified") {
    return (
      <AuthCard title="Email verified">
        <div className="flex items-start gap-3 rounded-lg bg-emerald-50 p-4 text-sm text-emerald-800 ring-1 ring-emerald-200" role="status">
          <CircleCheck aria-hidden className="mt-0.5 size-5 shrink-0" />
          <p>Your email address is verified. You are all set.</p>
        </div>
        {next}
      </AuthCard>
    );
  }
  return (
    <AuthCard title="We could not verify your email">
      <div className="flex items-start gap-3 rounded-lg bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200" role="alert">
        <CircleX aria-hidden className="mt-0.5 size-5 shrink-0" />
        <p>{outcome.message}</p>
      </div>
      <p className="mt-4 text-sm text-zinc-500">
        {status === "signed-in"
          ? "You can send a new link from the banner at the top of the app."
          : "Sign in and send a new link from the banner at the top of the app."}
      </p>
      {next}
    </AuthCard>
  );
}
