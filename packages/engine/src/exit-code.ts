import { ENGINE_EXIT_CODES, ValidationError } from '@sage/protocol';
import { CudaUnavailableError, ModelFileError, ModelSpecError } from './errors.js';

/**
 * The exit code for an error that ends the engine (the table is in docs/engines.md): a bad
 * command line or model spec 2, a model file that is not a model 65, a model that does not
 * exist here 66, a host that cannot run it as asked 78. The control plane marks engines that
 * exit with these FAILED at once. Anything else is 1 (crashed): restarted.
 */
export function exitCodeFor(error: unknown): number {
  if (ValidationError.isInstance(error)) return ENGINE_EXIT_CODES.usage;
  if (ModelSpecError.isInstance(error)) {
    return error.problem === 'unrecognized' ? ENGINE_EXIT_CODES.usage : ENGINE_EXIT_CODES.modelNotFound;
  }
  if (ModelFileError.isInstance(error)) return ENGINE_EXIT_CODES.badModel;
  if (CudaUnavailableError.isInstance(error)) return ENGINE_EXIT_CODES.configuration;
  return ENGINE_EXIT_CODES.crashed;
}
