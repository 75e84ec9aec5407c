// bench/calls: simulates concurrent phone calls against a real Switchboard server through
// POST /webhooks/vapi, with the messages Vapi sends (assistant-request, status updates, final
// transcripts, three tool calls, the end-of-call report); prints p50/p95/p99/max latency and
// throughput per message type, the same for a bare one-INSERT endpoint hit the same way in the same
// run, the end-of-call-report ingestion rate (acknowledged and applied), and PASS/FAIL per target.
//
//   npm run bench:calls                  # fresh database + server, default settings
//   npm run bench:calls -- --calls 400 --concurrency 100 --think-ms 0
//   npm run bench:calls -- --url http://127.0.0.1:3000 --database-url postgres://… --secret …
//
// Loopback only; every phase is bounded in count and time, and a watchdog ends the whole run.
import { execSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import type { Vapi } from "@vapi-ai/server-sdk";
import pg from "pg";
import { type CpuUse, cpuBetween, cpuSnapshot } from "./cpu.js";
import { type HttpClient, httpClient, isLoopback } from "./http.js";
import { type BenchTenant, callerNumber, SimulatedCall, toolArguments } from "./messages.js";
import { seedTenants, waitForKnowledge } from "./seed.js";
import { createDatabase, databaseUrlFor, dropDatabase, freePort, logLevels, type RunningServer, startServer, tail } from "./server.js";
import { latencyTable, markdownTable, Recorder, type Summary } from "./stats.js";

const WEBHOOK_PATH = "/webhooks/vapi";
const TARGETS = { concurrentCalls: 200, toolCallsP99Ms: 20, assistantRequestP99Ms: 30, reportsPerSecond: 1_000 };
const TOOLS = ["takeMessage", "lookupKnowledge", "scheduleCallback"] as const;
type Tool = (typeof TOOLS)[number];
const MESSAGE_TYPES = ["assistant-request", "status-update", "transcript", "tool-calls", "end-of-call-report"] as const;

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    "database-url": { type: "string" },
    "admin-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    secret: { type: "string" },
    calls: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "200" },
    orgs: { type: "string", default: "50" },
    "think-ms": { type: "string", default: "500" },
    "ramp-ms": { type: "string", default: "2000" },
    "duration-cap": { type: "string", default: "60" },
    reports: { type: "string", default: "5000" },
    "report-concurrency": { type: "string", default: "200" },
    "ingest-cap": { type: "string", default: "90" },
    "drain-cap": { type: "string", default: "60" },
    "run-cap": { type: "string", default: "330" },
    tools: { type: "string", default: "takeMessage,lookupKnowledge,scheduleCallback" },
    "skip-baseline": { type: "boolean", default: false },
    "keep-db": { type: "boolean", default: false },
  },
  strict: true,
});

const int = (name: keyof typeof args, min = 0) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return value;
};
const settings = {
  calls: int("calls", 1),
  concurrency: int("concurrency", 1),
  orgs: int("orgs", 1),
  thinkMs: int("think-ms"),
  rampMs: int("ramp-ms"),
  durationCapS: int("duration-cap", 1),
  reports: int("reports"),
  reportConcurrency: int("report-concurrency", 1),
  ingestCapS: int("ingest-cap", 1),
  drainCapS: int("drain-cap", 1),
  runCapS: int("run-cap", 30),
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// The call driver
// ---------------------------------------------------------------------------------------------

type Target = { client: HttpClient; headers: Record<string, string>; checkReplies: boolean };

type DriveOptions = {
  tenants: BenchTenant[];
  calls: number;
  concurrency: number;
  thinkMs: number;
  rampMs: number;
  deadlineMs: number;
  idPrefix: string;
  tools: Tool[];
  /** The transient assistant per organization, for targets that do not answer one (the baseline). */
  assistants: Map<string, Vapi.CreateAssistantDto>;
};

type DriveResult = { recorder: Recorder; wallSeconds: number; completedCalls: number; abortedCalls: number; maxLiveCalls: number; cpu: CpuUse | null };

async function send(target: Target, recorder: Recorder, label: string, message: object, check: (reply: any) => string | null): Promise<any> {
  const body = JSON.stringify({ message });
  let result: Awaited<ReturnType<HttpClient["post"]>>;
  try {
    result = await target.client.post(WEBHOOK_PATH, body, target.headers);
  } catch (error) {
    recorder.error(label, (error as Error).message);
    return null;
  }
  recorder.record(label, result.ms);
  if (result.status !== 200) {
    recorder.error(label, `HTTP ${result.status} ${result.text.slice(0, 200)}`);
    return null;
  }
  let reply: any = null;
  try {
    reply = JSON.parse(result.text);
  } catch {
    recorder.error(label, `not JSON: ${result.text.slice(0, 200)}`);
    return null;
  }
  if (target.checkReplies) {
    const problem = check(reply);
    if (problem) recorder.error(label, problem);
  }
  return reply;
}

/** Plays one call; stops early (returns false) when the phase's deadline passes between two messages. */
async function simulateCall(
  target: Target,
  recorder: Recorder,
  call: SimulatedCall,
  options: { pause: () => Promise<void>; deadlineMs: number; tools: Tool[]; assistant: Vapi.CreateAssistantDto | undefined },
): Promise<boolean> {
  const ack = (reply: any) => (reply?.received === true ? null : `unexpected reply ${JSON.stringify(reply).slice(0, 200)}`);
  const args = toolArguments(call.caller);
  const lines: [role: "user" | "assistant", text: string][] = [
    ["assistant", "Thank you for calling Bench Office. Who would you like to speak with, or how can I help?"],
    ["user", "Hi, where can I park when I come in tomorrow? And I need to leave a message for billing."],
    ["assistant", "Let me check the parking for you, and then I'll take that message."],
  ];
  const steps: (() => Promise<unknown>)[] = [
    async () => {
      const reply = await send(target, recorder, "assistant-request", call.assistantRequest(), (r) =>
        r?.assistant?.model ? null : `no assistant in the reply: ${JSON.stringify(r).slice(0, 200)}`,
      );
      call.assistant = target.checkReplies ? (reply?.assistant ?? undefined) : options.assistant;
    },
    () => send(target, recorder, "status-update", call.statusUpdate("ringing"), ack),
    () => send(target, recorder, "status-update", call.statusUpdate("in-progress"), ack),
    ...lines.map(
      ([role, text]) =>
        () =>
          send(target, recorder, "transcript", call.transcript(role, text), ack),
    ),
    ...options.tools.map((tool, index) => () => {
      const toolCallId = `call_${randomBytes(12).toString("hex")}`;
      return send(target, recorder, `tool-calls (${tool})`, call.toolCalls(toolCallId, tool, args[tool], index % 2 === 1), (reply) => {
        const result = reply?.results?.[0];
        if (!result || result.toolCallId !== toolCallId) return `no result for ${toolCallId}: ${JSON.stringify(reply).slice(0, 200)}`;
        return typeof result.result === "string" ? null : `tool error: ${String(result.error).slice(0, 200)}`;
      });
    }),
    () => send(target, recorder, "end-of-call-report", call.endOfCallReport(), ack),
  ];
  for (const [index, step] of steps.entries()) {
    if (performance.now() > options.deadlineMs) return false;
    if (index > 0) await options.pause();
    await step();
  }
  return true;
}

async function drive(target: Target, options: DriveOptions, cpuGroups: number[], onTick?: () => Promise<void>): Promise<DriveResult> {
  const recorder = new Recorder();
  let next = 0;
  let live = 0;
  let maxLive = 0;
  let completed = 0;
  let aborted = 0;
  const pause = () => (options.thinkMs > 0 ? sleep(options.thinkMs * (0.5 + Math.random())) : Promise.resolve());
  const cpuBefore = cpuSnapshot(cpuGroups);
  const started = performance.now();
  let running = true;
  const ticker = (async () => {
    while (running && onTick) {
      await sleep(1_000);
      if (running) await onTick().catch(() => {});
    }
  })();
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      if (options.rampMs > 0) await sleep((options.rampMs * worker) / options.concurrency);
      while (next < options.calls && performance.now() < options.deadlineMs) {
        const index = next++;
        const tenant = options.tenants[index % options.tenants.length]!;
        const call = new SimulatedCall(`${options.idPrefix}-${index}-${randomBytes(4).toString("hex")}`, tenant, callerNumber(index));
        live++;
        maxLive = Math.max(maxLive, live);
        let done = false;
        try {
          done = await simulateCall(target, recorder, call, {
            pause,
            deadlineMs: options.deadlineMs,
            tools: options.tools,
            assistant: options.assistants.get(tenant.organizationId),
          });
        } finally {
          live--;
        }
        if (done) completed++;
        else aborted++;
        if (target.checkReplies && call.assistant && !options.assistants.has(tenant.organizationId))
          options.assistants.set(tenant.organizationId, call.assistant);
      }
    }),
  );
  running = false;
  await ticker;
  const wallSeconds = seconds(started);
  return {
    recorder,
    wallSeconds,
    completedCalls: completed,
    abortedCalls: aborted,
    maxLiveCalls: maxLive,
    cpu: cpuBetween(cpuBefore, cpuSnapshot(cpuGroups)),
  };
}

function summaries(result: DriveResult, prefix = ""): Summary[] {
  const { recorder, wallSeconds } = result;
  const rows: Summary[] = [];
  for (const type of MESSAGE_TYPES) {
    if (type === "tool-calls") {
      const merged = recorder.merged(
        TOOLS.map((tool) => `tool-calls (${tool})`),
        "tool-calls",
      );
      rows.push({ ...merged.summary("tool-calls", wallSeconds), label: `${prefix}tool-calls (all)` });
      for (const tool of TOOLS) rows.push({ ...recorder.summary(`tool-calls (${tool})`, wallSeconds), label: `${prefix}  tool-calls (${tool})` });
    } else rows.push({ ...recorder.summary(type, wallSeconds), label: `${prefix}${type}` });
  }
  rows.push({ ...recorder.merged(recorder.labels(), "all").summary("all", wallSeconds), label: `${prefix}all messages` });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Ingestion: a burst of end-of-call reports, acknowledged and applied
// ---------------------------------------------------------------------------------------------

async function countApplied(owner: pg.Pool): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM calls WHERE report_received_at IS NOT NULL");
  return rows[0]!.n;
}

async function pendingEvents(owner: pg.Pool): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM vendor_events WHERE processed_at IS NULL AND organization_id IS NOT NULL");
  return rows[0]!.n;
}

/** Waits until ingestion has applied every stored event (bounded); returns the seconds it took, or null at the cap. */
async function drain(owner: pg.Pool, capSeconds: number): Promise<{ seconds: number | null; pending: number }> {
  const started = performance.now();
  let pending = await pendingEvents(owner);
  while (pending > 0 && seconds(started) < capSeconds) {
    await sleep(250);
    pending = await pendingEvents(owner);
  }
  return { seconds: pending === 0 ? seconds(started) : null, pending };
}

type IngestResult = {
  sent: number;
  acknowledged: number;
  ackSeconds: number;
  applied: number;
  appliedSeconds: number;
  complete: boolean;
  errors: number;
  errorExamples: string[];
  latency: Summary;
  cpu: CpuUse | null;
};

async function ingestBurst(
  target: Target,
  owner: pg.Pool,
  tenants: BenchTenant[],
  assistants: Map<string, Vapi.CreateAssistantDto>,
  cpuGroups: number[],
): Promise<IngestResult> {
  // Bodies are built and serialised before the clock starts, so the client's JSON work is not timed.
  const bodies: string[] = [];
  for (let i = 0; i < settings.reports; i++) {
    const tenant = tenants[i % tenants.length]!;
    const call = new SimulatedCall(`bench-report-${i}-${randomBytes(4).toString("hex")}`, tenant, callerNumber(5_000 + i));
    call.assistant = assistants.get(tenant.organizationId);
    call.transcript("assistant", "Thank you for calling. How can I help?");
    call.transcript("user", "I'd like to leave a message for billing, please.");
    call.toolCalls(`call_${randomBytes(12).toString("hex")}`, "takeMessage", toolArguments(call.caller).takeMessage, false);
    call.transcript("assistant", "I've passed that on. Anything else?");
    call.transcript("user", "No, that's all, thanks.");
    bodies.push(JSON.stringify({ message: call.endOfCallReport() }));
  }
  const before = await countApplied(owner);
  const recorder = new Recorder();
  let next = 0;
  let acknowledged = 0;
  const cpuBefore = cpuSnapshot(cpuGroups);
  const started = performance.now();
  const deadline = started + settings.ingestCapS * 1000;
  await Promise.all(
    Array.from({ length: Math.min(settings.reportConcurrency, bodies.length) }, async () => {
      while (next < bodies.length && performance.now() < deadline) {
        const body = bodies[next++]!;
        try {
          const res = await target.client.post(WEBHOOK_PATH, body, target.headers);
          recorder.record("end-of-call-report", res.ms);
          if (res.status === 200) acknowledged++;
          else recorder.error("end-of-call-report", `HTTP ${res.status} ${res.text.slice(0, 200)}`);
        } catch (error) {
          recorder.error("end-of-call-report", (error as Error).message);
        }
      }
    }),
  );
  const ackSeconds = seconds(started);
  let applied = (await countApplied(owner)) - before;
  while (applied < acknowledged && performance.now() < deadline) {
    await sleep(100);
    applied = (await countApplied(owner)) - before;
  }
  const appliedSeconds = seconds(started);
  return {
    sent: Math.min(next, bodies.length),
    acknowledged,
    ackSeconds,
    applied,
    appliedSeconds,
    complete: applied >= acknowledged,
    errors: recorder.summary("end-of-call-report", ackSeconds).errors,
    errorExamples: recorder.errorExamples,
    latency: { ...recorder.summary("end-of-call-report", ackSeconds), label: "end-of-call-report (burst)" },
    cpu: cpuBetween(cpuBefore, cpuSnapshot(cpuGroups)),
  };
}

// ---------------------------------------------------------------------------------------------
// Setup, machine, report
// ---------------------------------------------------------------------------------------------

function startBaseline(databaseUrl: string, port: number): Promise<RunningServer> {
  const child = spawn("npx", ["tsx", "bench/calls/baseline-server.ts"], {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
  });
  const pid = child.pid!;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, sleep(5_000)]);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the baseline server did not start within 30 s")), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("baseline ready")) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, pid, logFile: "", stop });
      }
    });
    child.once("exit", (code) => reject(new Error(`the baseline server exited with code ${code}`)));
  });
}

function shell(command: string): string {
  try {
    return execSync(command, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

async function machine(owner: pg.Pool) {
  const { rows } = await owner.query<{ version: string }>("SELECT version()");
  const { rows: conf } = await owner.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'shared_buffers', 'synchronous_commit', 'fsync')",
  );
  return {
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    postgres: rows[0]!.version.split(" on ")[0],
    postgresSettings: conf.map((r) => `${r.name}=${r.setting}`).join(", "),
    commit: shell("git rev-parse --short HEAD"),
    dirty: shell("git status --porcelain -- src") !== "",
    loadAverage: os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(" "),
  };
}

function cpuLine(name: string, cpu: CpuUse | null, groups: { name: string; pid: number }[]): string {
  if (!cpu) return "";
  const parts = groups.map((g) => `${g.name} ${(cpu.groups.get(g.pid) ?? 0).toFixed(0)}%`);
  return `${name}: ${parts.join(", ")}, all postgres processes ${cpu.postgres.toFixed(0)}% (100% = one core); machine ${cpu.machine.toFixed(0)}% busy of ${cpu.cores} cores`;
}

const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

/** Peak number of the server's database sessions per state / wait, sampled during a phase. */
class ActivityPeaks {
  readonly peaks = new Map<string, number>();
  async sample(owner: pg.Pool): Promise<void> {
    const { rows } = await owner.query<{ key: string; n: number }>(
      `SELECT coalesce(state, '?') || coalesce(' / ' || wait_event_type || ':' || wait_event, '') AS key, count(*)::int AS n
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' GROUP BY 1`,
    );
    for (const row of rows) this.peaks.set(row.key, Math.max(this.peaks.get(row.key) ?? 0, row.n));
    // What the sessions left idle in a transaction last ran: the app waiting on something else while holding a connection.
    const { rows: idle } = await owner.query<{ query: string; n: number }>(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query, count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND state = 'idle in transaction' GROUP BY 1 ORDER BY 2 DESC`,
    );
    const total = idle.reduce((sum, row) => sum + row.n, 0);
    if (total >= this.idleInTransactionTotal) {
      this.idleInTransactionTotal = total;
      this.idleInTransaction = idle.map((row) => `${row.n} × \`${row.query}\``).join("; ");
    }
  }
  idleInTransactionTotal = 0;
  idleInTransaction = "";
  toString(): string {
    return [...this.peaks.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([key, n]) => `${key}: ${n}`)
      .join("; ");
  }
}

type Results = {
  started: number;
  serverUrl?: string;
  machine?: Awaited<ReturnType<typeof machine>>;
  calls?: DriveResult;
  activity?: ActivityPeaks;
  drained?: { seconds: number | null; pending: number };
  baseline?: DriveResult;
  ingest?: IngestResult;
  serverLog?: Record<string, number>;
  serverLogTail?: string;
  cpuGroups: { name: string; pid: number }[];
  stoppedBy?: string;
};

function report(r: Results, tools: Tool[]): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`## bench/calls — ${new Date().toISOString()}`, "");
  if (r.stoppedBy) out.push(`**Run stopped early: ${r.stoppedBy}. Phases not reached are missing below.**`, "");
  if (m) {
    out.push(
      `Machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB; Node ${m.node}; ${m.postgres} (${m.postgresSettings}); commit ${m.commit}${m.dirty ? " (src has uncommitted changes)" : ""}; load average at start ${m.loadAverage}.`,
    );
  }
  out.push(
    `Settings: ${settings.calls} calls, ${settings.concurrency} at once (ramp ${settings.rampMs} ms), think time ${settings.thinkMs} ms ±50% between a call's messages, tools ${tools.join(", ")}, ${settings.orgs} organizations, cap ${settings.durationCapS} s per phase; burst of ${settings.reports} reports, ${settings.reportConcurrency} in flight.`,
  );
  const server = r.cpuGroups.filter((g) => g.name === "server");
  if (r.calls) {
    out.push("", `### Server under test (POST ${WEBHOOK_PATH}, ${r.serverUrl})`, "", latencyTable(summaries(r.calls)), "");
    out.push(
      `${r.calls.completedCalls} calls completed${r.calls.abortedCalls > 0 ? `, ${r.calls.abortedCalls} cut off by the ${settings.durationCapS} s cap` : ""} in ${r.calls.wallSeconds.toFixed(1)} s, at most ${r.calls.maxLiveCalls} live at once.`,
    );
    out.push(cpuLine("CPU during the calls", r.calls.cpu, server));
    if (r.activity) {
      out.push(`Server's PostgreSQL sessions, peak per state during the calls: ${r.activity.toString() || "none seen"}.`);
      if (r.activity.idleInTransactionTotal > 0)
        out.push(
          `Sessions idle in a transaction, last time the most were seen (${r.activity.idleInTransactionTotal}), by last statement: ${r.activity.idleInTransaction}.`,
        );
    }
  }
  if (r.drained) {
    out.push(
      `Ingestion backlog (vendor_events not yet processed) after the last call: ${r.drained.seconds === null ? `NOT drained within ${settings.drainCapS} s (${r.drained.pending} events pending)` : `drained in ${r.drained.seconds.toFixed(1)} s`}.`,
    );
  }
  if (r.baseline) {
    out.push("", "### Baseline: bare node:http endpoint, one INSERT of the body per request, same PostgreSQL, same load", "");
    out.push(latencyTable(summaries(r.baseline, "baseline ")), "", cpuLine("CPU during the baseline", r.baseline.cpu, r.cpuGroups));
  }
  const ingest = r.ingest;
  if (ingest) {
    const ackRate = ingest.acknowledged / ingest.ackSeconds;
    const appliedRate = ingest.applied / ingest.appliedSeconds;
    out.push("", "### End-of-call-report ingestion (burst)", "", latencyTable([ingest.latency]), "");
    out.push(
      `${ingest.sent} sent, ${ingest.acknowledged} acknowledged in ${ingest.ackSeconds.toFixed(2)} s (${ackRate.toFixed(0)}/s); ${ingest.applied} applied (report_received_at set) ${ingest.complete ? "" : "— NOT all, cap reached — "}by ${ingest.appliedSeconds.toFixed(2)} s (${appliedRate.toFixed(0)}/s).`,
    );
    out.push(cpuLine("CPU during the burst", ingest.cpu, server));
  }
  if (r.serverLog) {
    out.push("", `Server log at LOG_LEVEL=warn: ${Object.keys(r.serverLog).length === 0 ? "no warnings or errors" : JSON.stringify(r.serverLog)}`);
    if (r.serverLogTail) out.push("", "Last lines of the server log:", "", "```", r.serverLogTail, "```");
  }
  const errors = [...(r.calls?.recorder.errorExamples ?? []), ...(ingest?.errorExamples ?? []).map((e) => `burst ${e}`)];
  if (errors.length > 0) out.push("", "First errors:", "", ...errors.map((e) => `- ${e}`));

  const rows: string[][] = [];
  if (r.calls) {
    const all = summaries(r.calls);
    const toolRow = all.find((row) => row.label === "tool-calls (all)")!;
    const arRow = all.find((row) => row.label === "assistant-request")!;
    const totalErrors = all.find((row) => row.label === "all messages")!.errors;
    rows.push(
      [
        `${TARGETS.concurrentCalls} concurrent calls, no errors`,
        `${r.calls.maxLiveCalls} live at once, ${totalErrors} errors, ${r.calls.abortedCalls} cut off`,
        verdict(r.calls.maxLiveCalls >= TARGETS.concurrentCalls && totalErrors === 0 && r.calls.abortedCalls === 0),
      ],
      [`tool-calls p99 ≤ ${TARGETS.toolCallsP99Ms} ms`, `${toolRow.p99.toFixed(1)} ms`, verdict(toolRow.p99 <= TARGETS.toolCallsP99Ms && toolRow.errors === 0)],
      [
        `assistant-request p99 ≤ ${TARGETS.assistantRequestP99Ms} ms`,
        `${arRow.p99.toFixed(1)} ms`,
        verdict(arRow.p99 <= TARGETS.assistantRequestP99Ms && arRow.errors === 0),
      ],
    );
  }
  if (ingest) {
    const ackRate = ingest.acknowledged / ingest.ackSeconds;
    const appliedRate = ingest.applied / ingest.appliedSeconds;
    rows.push(
      [
        `end-of-call-report acknowledged ≥ ${TARGETS.reportsPerSecond}/s`,
        `${ackRate.toFixed(0)}/s, ${ingest.errors} errors`,
        verdict(ackRate >= TARGETS.reportsPerSecond && ingest.errors === 0),
      ],
      [
        `end-of-call-report applied ≥ ${TARGETS.reportsPerSecond}/s`,
        `${appliedRate.toFixed(0)}/s${ingest.complete ? "" : " (incomplete)"}`,
        verdict(ingest.complete && appliedRate >= TARGETS.reportsPerSecond),
      ],
    );
  }
  out.push("", "### Targets", "", rows.length > 0 ? markdownTable(["target", "measured", "result"], rows) : "(no phase finished)", "");
  out.push(`Run took ${seconds(r.started).toFixed(0)} s.`);
  return `${out.filter((line, i, list) => !(line === "" && list[i - 1] === "")).join("\n")}\n`;
}

async function main() {
  const runId = randomBytes(4).toString("hex");
  const tools = (args.tools ?? "").split(",").filter((t) => t !== "") as Tool[];
  for (const tool of tools) if (!(TOOLS as readonly string[]).includes(tool)) throw new Error(`--tools: unknown tool ${tool} (use ${TOOLS.join(", ")})`);
  const results: Results = { started: performance.now(), cpuGroups: [] };
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
    cleanups.length = 0;
  };
  let server: RunningServer | null = null;
  const finish = () => {
    if (server) {
      results.serverLog = logLevels(server.logFile);
      if ((results.serverLog.error ?? 0) + (results.serverLog.fatal ?? 0) > 0) results.serverLogTail = tail(server.logFile, 4);
    }
    process.stdout.write(report(results, tools));
  };
  // The watchdog: whatever happens, the run reports what it has and cleans up within --run-cap seconds.
  const watchdog = setTimeout(() => {
    results.stoppedBy = `the run cap of ${settings.runCapS} s`;
    log(`${results.stoppedBy} reached: stopping`);
    finish();
    void cleanup().finally(() => process.exit(2));
  }, settings.runCapS * 1000);
  watchdog.unref();
  process.on("SIGINT", () => void cleanup().finally(() => process.exit(130)));

  try {
    let serverUrl = args.url;
    let databaseUrl = args["database-url"] ?? process.env.DATABASE_URL;
    const secret = args.secret ?? (serverUrl ? process.env.VAPI_WEBHOOK_SECRET : `bench-webhook-secret-${runId}-0123456789`);
    if (serverUrl) {
      if (!databaseUrl || !secret) throw new Error("--url needs --database-url (or DATABASE_URL) and --secret (or VAPI_WEBHOOK_SECRET)");
      if (!isLoopback(new URL(serverUrl).hostname)) throw new Error("--url must be a loopback address");
    } else {
      const database = `switchboard_bench_${runId}`;
      const adminUrl = args["admin-url"]!;
      if (!isLoopback(new URL(adminUrl).hostname)) throw new Error("--admin-url must be a loopback address");
      await createDatabase(adminUrl, database);
      if (!args["keep-db"]) cleanups.push(() => dropDatabase(adminUrl, database));
      databaseUrl = databaseUrlFor(adminUrl, database);
      log(`created database ${database}; starting the server (npx tsx src/server/main.ts)`);
      const started = await startServer({ databaseUrl, webhookSecret: secret!, port: await freePort() });
      server = started;
      cleanups.push(() => started.stop());
      serverUrl = started.url;
      results.cpuGroups.push({ name: "server", pid: started.pid });
      log(`server ready at ${serverUrl} (pid ${started.pid}) in ${seconds(results.started).toFixed(1)} s`);
    }
    results.serverUrl = serverUrl;
    const owner = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    cleanups.push(() => owner.end());
    results.machine = await machine(owner);

    const api = httpClient(serverUrl!, { maxSockets: 8 });
    cleanups.push(async () => api.close());
    const seedStarted = performance.now();
    const tenants = await seedTenants(api, owner, settings.orgs, runId);
    await waitForKnowledge(owner, 30_000);
    log(`seeded ${tenants.length} organizations (Enterprise plan, active general-office assistant, sandbox number) in ${seconds(seedStarted).toFixed(1)} s`);

    const webhook = httpClient(serverUrl!, { maxSockets: Math.max(settings.concurrency, settings.reportConcurrency) });
    cleanups.push(async () => webhook.close());
    const serverTarget: Target = { client: webhook, headers: { authorization: `Bearer ${secret}` }, checkReplies: true };
    const serverGroups = results.cpuGroups.map((g) => g.pid);
    const assistants = new Map<string, Vapi.CreateAssistantDto>();
    const callOptions = (idPrefix: string): DriveOptions => ({
      tenants,
      calls: settings.calls,
      concurrency: settings.concurrency,
      thinkMs: settings.thinkMs,
      rampMs: settings.rampMs,
      deadlineMs: performance.now() + settings.durationCapS * 1000,
      idPrefix,
      tools,
      assistants,
    });

    // Warm-up (not measured): compiles the hot paths and fills the number and template caches, one call per tenant.
    await drive(
      serverTarget,
      {
        ...callOptions(`warm-${runId}`),
        calls: tenants.length,
        concurrency: Math.min(5, tenants.length),
        thinkMs: 0,
        rampMs: 0,
        deadlineMs: performance.now() + 20_000,
      },
      serverGroups,
    );
    await drain(owner, 20);
    log("warm-up done; driving the calls");

    const activity = new ActivityPeaks();
    results.activity = activity;
    results.calls = await drive(serverTarget, callOptions(`bench-${runId}`), serverGroups, () => activity.sample(owner));
    log(
      `calls: ${results.calls.completedCalls} completed, ${results.calls.abortedCalls} cut off, in ${results.calls.wallSeconds.toFixed(1)} s, at most ${results.calls.maxLiveCalls} live at once`,
    );
    results.drained = await drain(owner, settings.drainCapS);
    log(
      `ingestion ${results.drained.seconds === null ? `NOT drained after ${settings.drainCapS} s (${results.drained.pending} pending)` : `drained ${results.drained.seconds.toFixed(1)} s after the last call`}`,
    );

    if (!args["skip-baseline"]) {
      const base = await startBaseline(databaseUrl!, await freePort());
      cleanups.push(() => base.stop());
      const baseClient = httpClient(base.url, { maxSockets: settings.concurrency });
      cleanups.push(async () => baseClient.close());
      const baseTarget: Target = { client: baseClient, headers: {}, checkReplies: false };
      await drive(baseTarget, { ...callOptions(`warm-base-${runId}`), calls: Math.min(50, settings.calls), concurrency: 5, thinkMs: 0, rampMs: 0 }, []);
      results.cpuGroups.push({ name: "baseline", pid: base.pid });
      results.baseline = await drive(
        baseTarget,
        callOptions(`base-${runId}`),
        results.cpuGroups.map((g) => g.pid),
      );
      log(`baseline: ${results.baseline.completedCalls} calls in ${results.baseline.wallSeconds.toFixed(1)} s`);
      await base.stop();
    }

    if (settings.reports > 0) {
      log(`ingestion: firing ${settings.reports} end-of-call reports, ${settings.reportConcurrency} in flight`);
      results.ingest = await ingestBurst(serverTarget, owner, tenants, assistants, serverGroups);
      log(
        `ingestion: ${results.ingest.acknowledged} acknowledged in ${results.ingest.ackSeconds.toFixed(1)} s, ${results.ingest.applied} applied in ${results.ingest.appliedSeconds.toFixed(1)} s`,
      );
    }
    finish();
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
