import { errorMarker, hasMarker, SageError } from '@sage/protocol';

const registryFileMarker = errorMarker('control-plane', 'RegistryFileError');

/**
 * `registry.json` cannot be used: not JSON, a version this control plane does not know, or a
 * record of the wrong shape. The message names the file, the record and the fix; nothing is
 * started or adopted from it.
 */
export class RegistryFileError extends SageError {
  readonly [registryFileMarker] = true;
  constructor(
    readonly path: string,
    readonly problem: string,
    /** `engines[2] (engine-1a2b3c4d)` when one record is at fault. */
    readonly record: string | null = null,
  ) {
    super({
      name: 'RegistryFileError',
      message:
        `the engine registry ${path} cannot be used: ${record === null ? '' : `${record}: `}${problem}. ` +
        `Fix: move it aside (mv ${path} ${path}.bad) and start again — engines that still run are ` +
        'found by the marker in their environment and adopted — or restore the file from a backup.',
    });
  }
  static override isInstance(error: unknown): error is RegistryFileError {
    return hasMarker(error, registryFileMarker);
  }
}
