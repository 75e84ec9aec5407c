// A local stand-in for an OpenAI-compatible chat-completions endpoint (POST …/chat/completions),
// speaking OpenAI's documented wire format: a `chat.completion` object, or with `stream: true`
// server-sent `chat.completion.chunk` events ending in `data: [DONE]`, tool calls streamed as
// index-keyed fragments, and `{ "error": { … } }` bodies for HTTP errors. Each test scripts the
// replies (text, tool calls — malformed ones too — errors, slowness, a dropped connection) and
// reads back the requests it received.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type RecordedChatRequest = {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The JSON body as sent: model, messages, tools, stream… */
  body: any;
};

export type ScriptedToolCall = {
  /** Omitted: a generated `call_…` id; null: the call is sent without an id. */
  id?: string | null;
  /** null: the call is sent without a function name. */
  name: string | null;
  /** An object is sent as its JSON; a string exactly as given (malformed JSON included). */
  arguments: Record<string, unknown> | string;
};

export type ScriptedReply =
  | {
      kind?: "reply";
      /** The reply's text; streamed in `chunks` pieces when given, else word by word. */
      text?: string;
      chunks?: string[];
      toolCalls?: ScriptedToolCall[];
      /** Wait before answering at all (a slow endpoint). */
      delayMs?: number;
      /** Wait between streamed chunks. */
      chunkDelayMs?: number;
    }
  | { kind: "error"; status: number; message?: string; type?: string; headers?: Record<string, string> }
  /** Closes the connection: at once (no response), or after streaming these text chunks. */
  | { kind: "drop"; afterChunks?: string[] }
  /** Sends this exact body as the SSE stream (a malformed stream). */
  | { kind: "raw-stream"; body: string };

export type OpenAiStandIn = {
  /** Base URL for the SDK (…/v1). */
  baseUrl: string;
  requests: RecordedChatRequest[];
  /** Queues replies, answered in order, one per request. */
  script(...replies: ScriptedReply[]): void;
  /** The reply for every request once the queue is empty (default: HTTP 500 "nothing scripted"). */
  always(reply: ScriptedReply | null): void;
  /** Forgets the queue, the default and the recorded requests. */
  reset(): void;
  stop(): Promise<void>;
};

export const STAND_IN_MODEL = "stand-in-model";

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function wordsOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function toolCallId(call: ScriptedToolCall): string | undefined {
  if (call.id === null) return undefined;
  return call.id ?? `call_${randomBytes(12).toString("hex")}`;
}

function argumentsText(call: ScriptedToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  const requests: RecordedChatRequest[] = [];
  let queue: ScriptedReply[] = [];
  let fallback: ScriptedReply | null = null;

  const server: Server = createServer(async (req, res) => {
    let body: any;
    try {
      body = await readJson(req);
    } catch {
      return sendError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
    }
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    requests.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization, body });
    if (req.method !== "POST" || !path.endsWith("/chat/completions"))
      return sendError(res, 404, `Unknown request URL: ${req.method} ${path}.`, "invalid_request_error");
    const reply = queue.shift() ?? fallback ?? { kind: "error", status: 500, message: "The stand-in has no scripted reply for this request." };
    await answer(req, res, body, reply);
  });

  async function answer(req: IncomingMessage, res: ServerResponse, body: any, reply: ScriptedReply): Promise<void> {
    const model = typeof body?.model === "string" ? body.model : STAND_IN_MODEL;
    const id = `chatcmpl-${randomBytes(10).toString("hex")}`;
    const created = Math.floor(Date.now() / 1000);
    let closed = false;
    res.once("close", () => {
      closed = true;
    });
    const gone = () => closed || res.destroyed || res.writableEnded;

    if (reply.kind === "error") {
      return sendError(res, reply.status, reply.message ?? `Scripted HTTP ${reply.status}.`, reply.type ?? "server_error", reply.headers);
    }
    if (reply.kind === "drop") {
      if (!reply.afterChunks) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const text of reply.afterChunks) res.write(sse(chunk(id, created, model, { content: text }, null)));
      // Let the chunks reach the client before the connection breaks.
      await sleep(30);
      res.socket?.destroy();
      return;
    }
    if (reply.kind === "raw-stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(reply.body);
      return;
    }

    if (reply.delayMs) {
      await sleep(reply.delayMs);
      if (gone()) return;
    }
    const text = reply.text ?? "";
    const toolCalls = (reply.toolCalls ?? []).map((call) => ({ call, id: toolCallId(call), args: argumentsText(call) }));
    const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";

    if (body?.stream !== true) {
      const message: Record<string, unknown> = { role: "assistant", content: text === "" && toolCalls.length > 0 ? null : text, refusal: null };
      if (toolCalls.length > 0) {
        message.tool_calls = toolCalls.map(({ call, id: callId, args }) => ({
          ...(callId !== undefined ? { id: callId } : {}),
          type: "function",
          function: { ...(call.name !== null ? { name: call.name } : {}), arguments: args },
        }));
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model,
          choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
      return;
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const pieces = reply.chunks ?? wordsOf(text);
    const write = async (payload: string) => {
      if (gone()) return false;
      res.write(payload);
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      return !gone();
    };
    // OpenAI's first chunk carries the role and an empty content.
    if (!(await write(sse(chunk(id, created, model, { role: "assistant", content: "" }, null))))) return;
    for (const piece of pieces) if (!(await write(sse(chunk(id, created, model, { content: piece }, null))))) return;
    for (const [index, { call, id: callId, args }] of toolCalls.entries()) {
      // The first fragment names the call; the arguments follow in a few pieces, as OpenAI streams them.
      const head = {
        index,
        ...(callId !== undefined ? { id: callId } : {}),
        type: "function",
        function: { ...(call.name !== null ? { name: call.name } : {}), arguments: "" },
      };
      if (!(await write(sse(chunk(id, created, model, { tool_calls: [head] }, null))))) return;
      const size = Math.max(1, Math.ceil(args.length / 3));
      for (let start = 0; start < args.length; start += size) {
        const fragment = { index, function: { arguments: args.slice(start, start + size) } };
        if (!(await write(sse(chunk(id, created, model, { tool_calls: [fragment] }, null))))) return;
      }
    }
    if (!(await write(sse(chunk(id, created, model, {}, finishReason))))) return;
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    always: (reply) => {
      fallback = reply;
    },
    reset: () => {
      queue = [];
      fallback = null;
      requests.length = 0;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function chunk(id: string, created: number, model: string, delta: Record<string, unknown>, finishReason: string | null) {
  return {
    id,
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: "fp_stand_in",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function sse(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function sendError(res: ServerResponse, status: number, message: string, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}
