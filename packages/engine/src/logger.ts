import { ENV } from '@sage/protocol';
import { type Logger, pino } from 'pino';

/** Structured JSON logs on stdout; the level comes from `SAGE_LOG_LEVEL` (default info). */
export function createEngineLogger(name: string, level = process.env[ENV.logLevel] ?? 'info'): Logger {
  return pino({ name: 'sage-engine', level, base: { pid: process.pid, model: name } });
}
