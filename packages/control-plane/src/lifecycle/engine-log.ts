import { open, stat } from 'node:fs/promises';

/** Bytes read from the end of a log to find its last lines: bounded whatever the log's size. */
const TAIL_WINDOW_BYTES = 64 * 1024;

/** The last `lines` lines of a log file (empty when it does not exist). */
export async function readLogTail(path: string, lines: number): Promise<string[]> {
  if (lines <= 0) return [];
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const { size } = await stat(path);
    const length = Math.min(size, TAIL_WINDOW_BYTES);
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    if (size > length) all.shift(); // first line is partial
    return all.slice(-lines);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Follow a log file from its current end, calling `onLines` with each batch of complete new lines
 * until `signal` aborts. Polls (works on every file system, including for adopted engines).
 */
export async function followLog(
  path: string,
  onLines: (lines: string[]) => void,
  signal: AbortSignal,
  pollMs = 250,
): Promise<void> {
  let position = await stat(path).then(
    (info) => info.size,
    () => 0,
  );
  let partial = '';
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size < position) position = 0; // truncated or replaced
    if (size === position) continue;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - position);
      await handle.read(buffer, 0, buffer.length, position);
      position = size;
      const text = partial + buffer.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0 && !signal.aborted) onLines(lines);
    } finally {
      await handle.close();
    }
  }
}
