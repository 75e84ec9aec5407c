// Latency samples per label (message type, tool, baseline) and their summary: count, errors,
// p50/p95/p99/max (nearest rank) and throughput over the phase's wall time.

export type Summary = {
  label: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  perSecond: number;
};

export class Recorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errorCounts = new Map<string, number>();
  readonly errorExamples: string[] = [];

  record(label: string, ms: number): void {
    let list = this.samples.get(label);
    if (!list) {
      list = [];
      this.samples.set(label, list);
    }
    list.push(ms);
  }

  error(label: string, detail: string): void {
    this.errorCounts.set(label, (this.errorCounts.get(label) ?? 0) + 1);
    if (this.errorExamples.length < 10) this.errorExamples.push(`${label}: ${detail.slice(0, 300)}`);
  }

  /** A recorder holding the samples and errors of several labels under one label. */
  merged(labels: string[], as: string): Recorder {
    const merged = new Recorder();
    for (const label of labels) {
      for (const ms of this.samples.get(label) ?? []) merged.record(as, ms);
      const errors = this.errorCounts.get(label) ?? 0;
      if (errors > 0) merged.errorCounts.set(as, (merged.errorCounts.get(as) ?? 0) + errors);
    }
    return merged;
  }

  labels(): string[] {
    return [...new Set([...this.samples.keys(), ...this.errorCounts.keys()])];
  }

  summary(label: string, wallSeconds: number): Summary {
    const sorted = [...(this.samples.get(label) ?? [])].sort((a, b) => a - b);
    const errors = this.errorCounts.get(label) ?? 0;
    const total = sorted.reduce((sum, value) => sum + value, 0);
    return {
      label,
      count: sorted.length,
      errors,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
      perSecond: wallSeconds > 0 ? (sorted.length + errors) / wallSeconds : Number.NaN,
    };
  }
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

export function latencyTable(rows: Summary[]): string {
  const header = ["message", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms", "req/s"];
  const body = rows.map((r) => [r.label, String(r.count), String(r.errors), fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.max), fmt(r.mean), fmt(r.perSecond, 0)]);
  return markdownTable(header, body);
}

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}
