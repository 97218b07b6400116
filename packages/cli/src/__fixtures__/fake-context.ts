import type { ManagementClient } from '../api/management-types.js';
import type { CliContext } from '../context.js';
import { captureTerminal } from './capture-terminal.js';
import { FakeManagementClient } from './fake-management-client.js';

/** A {@link CliContext} over a fake client and a captured terminal; signals are raised by hand. */
export function fakeContext(
  options: { env?: NodeJS.ProcessEnv; client?: ManagementClient; isTTY?: boolean } = {},
) {
  const capture = captureTerminal({ isTTY: options.isTTY });
  const client = options.client ?? new FakeManagementClient();
  const apiBases: string[] = [];
  const handlers = new Map<string, Set<() => void>>();
  const context: CliContext = {
    version: '0.0.0-test',
    binPath: '/nowhere/sage.js',
    env: options.env ?? {},
    cwd: '/work',
    terminal: capture.terminal,
    stdinIsTTY: false,
    createClient: (apiBase) => {
      apiBases.push(apiBase);
      return client;
    },
    confirm: async () => true,
    onSignal(signal, handler) {
      const set = handlers.get(signal) ?? new Set();
      set.add(handler);
      handlers.set(signal, set);
      return () => set.delete(handler);
    },
  };
  const raise = (signal: NodeJS.Signals) => {
    for (const handler of handlers.get(signal) ?? []) handler();
  };
  const listenerCount = () => [...handlers.values()].reduce((total, set) => total + set.size, 0);
  return { context, client, apiBases, raise, listenerCount, ...capture };
}
