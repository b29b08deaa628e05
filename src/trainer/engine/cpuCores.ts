/**
 * Physical CPU cores: what `--threads auto` runs the CPU backends on. Hyperthreads share a core's
 * vector units, so a compute-bound thread pool gains little from them. os.availableParallelism()
 * counts logical cores (and honours the process's CPU affinity), so it is the ceiling.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Distinct (package, core) pairs in /proc/cpuinfo; 0 when it names none (some ARM kernels). */
export function coresInCpuinfo(cpuinfo: string): number {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(\\S+)`, 'm').exec(block)?.[1];
    const core = field('core id');
    if (core !== undefined) cores.add(`${field('physical id') ?? 0}:${core}`);
  }
  return cores.size;
}

function countPhysical(): number {
  try {
    if (process.platform === 'linux') return coresInCpuinfo(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (process.platform === 'darwin') return Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8' }).trim()) || 0;
  } catch {
    // Unreadable: fall back to the logical count below.
  }
  return 0;
}

export interface CpuCores {
  physical: number;
  logical: number;
}

/** Physical cores this process may use (logical where the physical count is unknown, e.g. on Windows). */
export function cpuCores(): CpuCores {
  const logical = os.availableParallelism();
  const physical = countPhysical();
  return { physical: physical > 0 ? Math.min(physical, logical) : logical, logical };
}
