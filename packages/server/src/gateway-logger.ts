import { type Logger, pino } from 'pino';

/**
 * A pino logger at `level` writing JSON lines to stdout: what an embedded gateway logs through
 * when its caller passes none (`@sage/llm-core` embedded mode, which does not depend on pino).
 */
export function createGatewayLogger(level: string): Logger {
  return pino({ level });
}
