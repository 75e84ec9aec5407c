// Signing out of this browser (or everywhere): tell the API, forget the token and cached data.
import type { QueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { endSession } from "../api/session";

export async function signOut(queryClient: QueryClient, everywhere = false): Promise<void> {
  try {
    if (everywhere) await api.POST("/api/v1/auth/signout-all");
    // Also clears the refresh cookie; it needs no body (the cookie says which session).
    await api.POST("/api/v1/auth/signout");
  } finally {
    endSession();
    queryClient.clear();
  }
}
