import { SageError } from '@sage/protocol';
import type { RunningGateway, StartGatewayOptions } from '@sage/server';
import type { Logger } from 'pino';

/**
 * The slice of `@sage/server` that embedded mode uses. Only this module names the package, and
 * only through a dynamic `import()` (types are erased), so remote mode never loads server code.
 * `@sage/server` is an optional peer dependency: a remote client installs without it.
 */
export type EmbeddedGatewayStartOptions = StartGatewayOptions;
export type EmbeddedGateway = Pick<RunningGateway, 'url' | 'close'> & {
  adminToken?: string | undefined;
};

export interface GatewayModule {
  startGateway(options: EmbeddedGatewayStartOptions): Promise<EmbeddedGateway>;
  /** The built-in offline preset started when `preset` is not given (`local`). */
  DEFAULT_PRESET_NAME: string;
  /** A pino logger at `level` (the gateway's own pino, so the client does not depend on it). */
  createGatewayLogger(level: string): Logger;
}

/** Load `@sage/server` on demand (tests may inject a stand-in). */
export type GatewayModuleLoader = () => Promise<GatewayModule>;

/** The install command embedded mode needs, in the error a missing `@sage/server` raises. */
export const EMBEDDED_INSTALL_HINT = 'npm install @sage/server';

function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(specifier)
  );
}

/** The error embedded mode raises when `@sage/server` is not installed beside `@sage/llm-core`. */
function missingServerError(cause: unknown): SageError {
  return new SageError({
    name: 'SageEmbeddedUnavailableError',
    message:
      `embedded mode needs the gateway package, which is not installed: run \`${EMBEDDED_INSTALL_HINT}\` ` +
      '(the same version as @sage/llm-core), or connect to a running gateway with `controlPlaneUrl`',
    cause,
  });
}

/** Import `specifier`; a missing package becomes {@link missingServerError}. */
export async function importGatewayModule(
  load: () => Promise<unknown>,
  specifier = '@sage/server',
): Promise<GatewayModule> {
  try {
    return (await load()) as GatewayModule;
  } catch (error) {
    if (isModuleNotFound(error, specifier)) throw missingServerError(error);
    throw error;
  }
}

export const loadGatewayModule: GatewayModuleLoader = () => importGatewayModule(() => import('@sage/server'));
