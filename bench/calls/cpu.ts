// CPU use from /proc (Linux): of a process group (the server: npx → tsx → node), of every
// PostgreSQL process, and of the whole machine, between two snapshots. Tells whether a phase was
// CPU-bound and who used the cores.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

type Snapshot = { at: number; groups: Map<number, number>; postgres: number; machineBusy: number; machineTotal: number };

function procStat(pid: string): { comm: string; pgrp: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15.
    return { comm, pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

export function cpuSnapshot(groups: number[]): Snapshot {
  const byGroup = new Map<number, number>(groups.map((g) => [g, 0]));
  let postgres = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = procStat(pid);
    if (!stat) continue;
    if (byGroup.has(stat.pgrp)) byGroup.set(stat.pgrp, byGroup.get(stat.pgrp)! + stat.ticks);
    if (stat.comm === "postgres") postgres += stat.ticks;
  }
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((sum, value) => sum + value, 0);
  return { at: performance.now(), groups: byGroup, postgres, machineBusy: total - idle, machineTotal: total };
}

export type CpuUse = { groups: Map<number, number>; postgres: number; machine: number; cores: number };

/** Percent of one core (a process can reach 100 per core); machine: percent of all cores. */
export function cpuBetween(before: Snapshot, after: Snapshot): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const pct = (ticks: number) => (seconds > 0 ? (100 * ticks) / TICKS_PER_SECOND / seconds : Number.NaN);
  const groups = new Map<number, number>();
  for (const [group, ticks] of after.groups) groups.set(group, pct(ticks - (before.groups.get(group) ?? 0)));
  const machineTotal = after.machineTotal - before.machineTotal;
  return {
    groups,
    // Backends that exit between the snapshots take their ticks with them: a floor of 0, and an undercount then.
    postgres: Math.max(0, pct(after.postgres - before.postgres)),
    machine: machineTotal > 0 ? (100 * (after.machineBusy - before.machineBusy)) / machineTotal : Number.NaN,
    cores: os.cpus().length,
  };
}
