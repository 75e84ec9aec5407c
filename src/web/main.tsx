// The web app's entry: query client, router, and the first render. The session is restored
// from the refresh cookie by the routes' guards before any signed-in page loads.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProblem } from "./api/problem";
import { createAppRouter } from "./router";
import "./styles.css";

const MAX_QUERY_RETRIES = 2;

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      // A 4xx will not change by asking again; network and server errors might.
      retry: (failures, error) => failures < MAX_QUERY_RETRIES && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
    },
  },
});

const router = createAppRouter(queryClient);

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element");

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
