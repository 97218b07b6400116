import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a result was measured on, stored with every result file. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the result was written (other work on the machine). */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function describeMachine(info: MachineInfo): string {
  return `${info.cpuCount} × ${info.cpuModel}, ${info.memoryGb} GB RAM, Node ${info.node}, ${info.platform}`;
}
