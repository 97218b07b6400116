import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveSageEngineBin } from '../../src/backends/sage.js';

/**
 * The bytes of the bundled tiny chat model (a real GGUF that the `sage` engine loads), made by
 * the built engine package in a child process: the control plane never imports the engine.
 */
export function tinyChatGguf(): Buffer {
  const engineIndex = join(dirname(resolveSageEngineBin()), '..', 'index.js');
  const script = [
    `const engine = await import(${JSON.stringify(pathToFileURL(engineIndex).href)});`,
    "process.stdout.write(engine.tinyModelBytes(engine.findTinyModel('sage/tiny-chat')));",
  ].join('\n');
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 256 * 1024 * 1024,
  });
}
