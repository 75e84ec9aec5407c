// React hooks over the browser session (api/session.ts) and the signed-in user's profile.
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { meQuery } from "../api/queries";
import { getSession, type SessionSnapshot, subscribeToSession } from "../api/session";

export function useSession(): SessionSnapshot {
  return useSyncExternalStore(subscribeToSession, getSession, getSession);
}

/** The signed-in user and their memberships; only call under a signed-in route. */
export function useMe() {
  return useQuery({ ...meQuery(), enabled: useSession().status === "signed-in" });
}
