// @sage/cli — the public door (STYLE G9). The `sage` bin is `dist/bin/sage.js`.

export type { ManagementClient } from './api/management-types.js';
export type { CliContext } from './context.js';
export { processContext } from './context.js';
export { CLI_DEFAULTS, CLI_ENV } from './defaults.js';
export { CliExitError, GatewayUnreachableError } from './errors.js';
export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export { buildProgram } from './program.js';
export { CLI_VERSION } from './version.js';
