import type { GpuStatus } from '@sage/protocol';
import type { NvidiaSmiComputeApp, NvidiaSmiGpu } from './nvidia-smi-parser.js';

/** One GPU as observed (nvidia-smi or mock), memory in GB. */
export interface ObservedGpu {
  index: number;
  uuid: string | null;
  name: string;
  memoryTotalGb: number;
  /** What the driver reports as used, by every process. */
  memoryUsedGb: number;
  /** What the driver reports as free (total minus used minus the driver's own share). */
  memoryAvailableGb: number;
  utilizationPercent: number | null;
}

/** Memory the control plane set aside for one owner (an engine). */
export interface GpuReservation {
  owner: string;
  gpuIds: readonly number[];
  gbPerGpu: number;
  /** The engine's pid; its process group is what nvidia-smi's processes are matched against. */
  pid?: number | undefined;
}

export interface ReconcileInput {
  gpus: readonly ObservedGpu[];
  computeApps: readonly NvidiaSmiComputeApp[];
  reservations: Iterable<GpuReservation>;
  processGroupOf: (pid: number) => number | null;
  mock: boolean;
}

const MIB_PER_GB = 1024;

/** nvidia-smi rows → GB. */
export function observedGpuFromNvidiaSmi(gpu: NvidiaSmiGpu): ObservedGpu {
  const memoryTotalGb = gpu.memoryTotalMib / MIB_PER_GB;
  const memoryUsedGb = (gpu.memoryUsedMib ?? 0) / MIB_PER_GB;
  const memoryAvailableGb =
    gpu.memoryFreeMib !== null ? gpu.memoryFreeMib / MIB_PER_GB : memoryTotalGb - memoryUsedGb;
  return {
    index: gpu.index,
    uuid: gpu.uuid,
    name: gpu.name,
    memoryTotalGb,
    memoryUsedGb,
    memoryAvailableGb,
    utilizationPercent: gpu.utilizationPercent,
  };
}

/**
 * Per-GPU status with reservations reconciled against real usage (SPEC defect 9). For each
 * owner with reservation R on a GPU, U is the memory nvidia-smi reports on that GPU for processes
 * in the owner's process group; only `max(0, R − U)` is still outstanding, because the rest is
 * already in the driver's `used`. `memoryFreeGb = driver free − Σ outstanding` (never below 0);
 * `memoryReservedGb = Σ R`.
 */
export function reconcileGpuStatus(input: ReconcileInput): GpuStatus[] {
  const groupOf = memoize(input.processGroupOf);
  const reservations = [...input.reservations];
  return input.gpus.map((gpu) => {
    const appsOnGpu = gpu.uuid === null ? [] : input.computeApps.filter((app) => app.gpuUuid === gpu.uuid);
    let reservedGb = 0;
    let outstandingGb = 0;
    const engineIds: string[] = [];
    for (const reservation of reservations) {
      if (!reservation.gpuIds.includes(gpu.index)) continue;
      engineIds.push(reservation.owner);
      reservedGb += reservation.gbPerGpu;
      const observedGb = observedUsageGb(reservation, appsOnGpu, groupOf);
      outstandingGb += Math.max(0, reservation.gbPerGpu - observedGb);
    }
    return {
      index: gpu.index,
      name: gpu.name,
      uuid: gpu.uuid,
      memoryTotalGb: roundGb(gpu.memoryTotalGb),
      memoryUsedGb: roundGb(gpu.memoryUsedGb),
      memoryReservedGb: roundGb(reservedGb),
      memoryFreeGb: roundGb(Math.max(0, gpu.memoryAvailableGb - outstandingGb)),
      utilizationPercent: gpu.utilizationPercent,
      engineIds: engineIds.sort(),
      mock: input.mock,
    };
  });
}

/** GB used on one GPU by the processes of a reservation's process group. */
function observedUsageGb(
  reservation: GpuReservation,
  appsOnGpu: readonly NvidiaSmiComputeApp[],
  groupOf: (pid: number) => number | null,
): number {
  if (reservation.pid === undefined) return 0;
  const ownerGroup = groupOf(reservation.pid) ?? reservation.pid;
  let usedMib = 0;
  for (const app of appsOnGpu) {
    if (app.pid === reservation.pid || groupOf(app.pid) === ownerGroup) usedMib += app.usedMemoryMib ?? 0;
  }
  return usedMib / MIB_PER_GB;
}

function memoize(lookup: (pid: number) => number | null): (pid: number) => number | null {
  const cache = new Map<number, number | null>();
  return (pid) => {
    if (!cache.has(pid)) cache.set(pid, lookup(pid));
    return cache.get(pid) ?? null;
  };
}

function roundGb(gb: number): number {
  return Math.round(gb * 100) / 100;
}
