import { cpus, totalmem } from 'node:os';

/** The machine a result was measured on, stored with every result file. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  memoryGb: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function describeMachine(info: MachineInfo): string {
  return `${info.cpuCount} × ${info.cpuModel}, ${info.memoryGb} GB RAM, Node ${info.node}, ${info.platform}`;
}
