// Uploads a file with XMLHttpRequest, the one browser API that reports upload progress, with the
// session's access token; an expired token is refreshed once and the upload retried.
import { type ApiProblem, toApiProblem } from "./problem";
import { getSession, refreshSession } from "./session";

export type UploadHandle<T> = { done: Promise<T>; abort: () => void };

type Attempt = { status: number; body: unknown };

function send(url: string, form: FormData, token: string | null, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.responseType = "text";
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(toApiProblem(new Error("network")));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

function problemOf(attempt: Attempt): ApiProblem {
  const response = new Response(null, { status: attempt.status });
  return toApiProblem(attempt.body, response);
}

/** POSTs multipart fields to `url`; `onProgress` gets 0…1 as the bytes leave the browser. */
export function uploadWithProgress<T>(url: string, fields: Record<string, string | Blob>, onProgress: (fraction: number) => void): UploadHandle<T> {
  const controller = new AbortController();
  const form = () => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    return data;
  };
  const done = (async () => {
    let attempt = await send(url, form(), getSession().accessToken, onProgress, controller.signal);
    const code = (attempt.body as { code?: unknown } | undefined)?.code;
    if (attempt.status === 401 && code === "TOKEN_EXPIRED") {
      const fresh = await refreshSession();
      if (fresh) {
        onProgress(0);
        attempt = await send(url, form(), fresh, onProgress, controller.signal);
      }
    }
    if (attempt.status < 200 || attempt.status >= 300) throw problemOf(attempt);
    onProgress(1);
    return attempt.body as T;
  })();
  return { done, abort: () => controller.abort() };
}
