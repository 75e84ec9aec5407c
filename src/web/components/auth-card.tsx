// The frame of the signed-out pages (sign in, sign up, links from emails): logo, a centered card, links below.
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { Logo } from "./logo";

export function AuthCard({ title, description, children, footer }: { title: string; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-zinc-50 px-4 py-12 sm:justify-center">
      <Link to="/" className="mb-8 rounded-md">
        <Logo className="text-lg" />
      </Link>
      <main className="w-full max-w-sm">
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 sm:p-8">
          <h1 className="text-lg font-semibold tracking-tight text-zinc-900">{title}</h1>
          {description && <div className="mt-1 text-sm text-zinc-500">{description}</div>}
          <div className="mt-6">{children}</div>
        </div>
        {footer && <div className="mt-6 text-center text-sm text-zinc-500">{footer}</div>}
      </main>
    </div>
  );
}

export const textLinkClasses = "font-medium text-indigo-600 hover:text-indigo-700 hover:underline underline-offset-2 rounded-sm";
