// The root of every page: toasts, and the reaction to the session ending (expired, revoked,
// signed out in another tab), which sends signed-in pages back to sign-in.
import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useRouter } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { buttonClasses } from "../components/button";
import { Logo } from "../components/logo";
import { Toaster } from "../components/toaster";
import { useSession } from "../lib/use-session";

export function RootLayout() {
  const { status } = useSession();
  const router = useRouter();
  const queryClient = useQueryClient();
  const previous = useRef(status);

  useEffect(() => {
    if (previous.current === "signed-in" && status === "signed-out") {
      queryClient.clear();
      void router.invalidate();
    }
    previous.current = status;
  }, [status, router, queryClient]);

  return (
    <Toaster>
      <Outlet />
    </Toaster>
  );
}

export function NotFoundPage() {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center gap-6 px-4 text-center">
      <Logo className="text-lg" />
      <div>
        <p className="text-sm font-semibold text-indigo-600">404</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900">Page not found</h1>
        <p className="mt-2 text-sm text-zinc-500">The page you are looking for does not exist or has moved.</p>
      </div>
      <Link to="/" className={buttonClasses("primary")}>
        Go to Switchboard
      </Link>
    </div>
  );
}
