/**
 * Pure ordering of the ports an allocation tries (STYLE G7): an optional preferred port first
 * (e.g. a restarted engine keeping its port), then the kind's preferred ports, then the fallback
 * range; each port once, never the gateway's port.
 */
export interface PortCandidateInput {
  preferred: readonly number[];
  fallbackRange: { start: number; end: number };
  gatewayPort: number;
  /** Tried before everything else when set. */
  prefer?: number | undefined;
}

/** The ports to try, in order. */
export function portCandidates(input: PortCandidateInput): number[] {
  const ordered: number[] = [];
  const seen = new Set<number>([input.gatewayPort]);
  const add = (port: number): void => {
    if (!isValidPort(port) || seen.has(port)) return;
    seen.add(port);
    ordered.push(port);
  };
  if (input.prefer !== undefined) add(input.prefer);
  for (const port of input.preferred) add(port);
  for (let port = input.fallbackRange.start; port <= input.fallbackRange.end; port += 1) add(port);
  return ordered;
}

/** A TCP port an engine may listen on (1–65535, an integer). */
export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}
