import { open, stat } from 'node:fs/promises';
import type { Sleep } from '../commands/shared-options.js';

/** The last `count` lines of a text file ([] when it does not exist). */
export async function readLastLines(path: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await file.stat();
    // Read backwards in chunks until enough newlines are seen: logs can be large.
    const chunkSize = 64 * 1024;
    let position = size;
    let text = '';
    while (position > 0 && text.split('\n').length <= count + 1) {
      const length = Math.min(chunkSize, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, position);
      text = buffer.toString('utf8') + text;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await file.close();
  }
}

/**
 * Lines appended to a file from byte `offset` on, polling every `intervalMs`, until `signal`
 * aborts. A file that shrinks (truncated) is read again from its start.
 */
export async function* followFile(
  path: string,
  options: { signal?: AbortSignal; intervalMs: number; sleep: Sleep },
): AsyncGenerator<string> {
  let offset = await stat(path).then(
    (info) => info.size,
    () => 0,
  );
  let partial = '';
  while (!options.signal?.aborted) {
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size < offset) offset = 0;
    if (size > offset) {
      const file = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(size - offset);
        await file.read(buffer, 0, buffer.length, offset);
        offset = size;
        const lines = (partial + buffer.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) yield line;
      } finally {
        await file.close();
      }
    }
    await options.sleep(options.intervalMs);
  }
}
