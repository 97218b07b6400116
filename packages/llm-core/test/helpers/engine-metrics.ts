import type { EngineInfo } from '@sage/protocol';

/** A counter or gauge from an engine's Prometheus `/metrics` (summed over matching label sets). */
export async function engineMetric(engine: EngineInfo, name: string, labelFilter = ''): Promise<number> {
  const response = await fetch(`http://${engine.host}:${engine.port}/metrics`);
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#') || !line.includes(labelFilter)) continue;
    if (line[name.length] !== '{' && line[name.length] !== ' ') continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
