/**
 * Shared error base. `isInstance()` uses a global symbol marker, so errors thrown by one copy of
 * a package are recognised by another (an app may load the client and an embedded control plane
 * from two copies).
 */
const baseMarker = Symbol.for('sage.error');

export class SageError extends Error {
  readonly [baseMarker] = true;

  constructor(options: { name: string; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = options.name;
  }

  static isInstance(error: unknown): error is SageError {
    return typeof error === 'object' && error !== null && baseMarker in error;
  }
}

/**
 * Define a marker for a subclass, namespaced by its package (`sage.error.<package>.<Name>`), so
 * two packages' errors of the same name (the engine's and the scheduler's `QueueFullError`)
 * never pass each other's `isInstance`, while two copies of one package still agree. Usage:
 * ```ts
 * const marker = errorMarker('control-plane', 'EngineNotFoundError');
 * class EngineNotFoundError extends SageError {
 *   readonly [marker] = true;
 *   static override isInstance(e: unknown): e is EngineNotFoundError { return hasMarker(e, marker); }
 * }
 * ```
 */
export function errorMarker(packageName: string, name: string): symbol {
  return Symbol.for(`sage.error.${packageName}.${name}`);
}

export function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && marker in error;
}

/** Invalid input at a boundary (HTTP body, YAML, CLI, env). `path` names the failing field. */
const validationMarker = errorMarker('protocol', 'ValidationError');
export class ValidationError extends SageError {
  readonly [validationMarker] = true;
  readonly path: string;
  readonly issues: Array<{ path: string; message: string }>;

  constructor(options: {
    message: string;
    path?: string;
    issues?: Array<{ path: string; message: string }>;
    cause?: unknown;
  }) {
    super({ name: 'ValidationError', message: options.message, cause: options.cause });
    this.path = options.path ?? '';
    this.issues = options.issues ?? [];
  }

  static override isInstance(error: unknown): error is ValidationError {
    return hasMarker(error, validationMarker);
  }
}
