import { SageError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_INSTALL_HINT, importGatewayModule } from './gateway-module.js';

describe('loading @sage/server for embedded mode', () => {
  it('says what to install when the package is missing', async () => {
    const notFound = Object.assign(new Error("Cannot find package '@sage/server' imported from x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await importGatewayModule(() => Promise.reject(notFound)).catch((caught) => caught);
    expect(SageError.isInstance(error)).toBe(true);
    expect(error.name).toBe('SageEmbeddedUnavailableError');
    expect(error.message).toContain(EMBEDDED_INSTALL_HINT);
    expect(error.message).toContain('controlPlaneUrl');
    expect(error.cause).toBe(notFound);
  });

  it('passes other failures through (a broken install is not a missing one)', async () => {
    const other = Object.assign(new Error("Cannot find module 'hono' imported from server.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(importGatewayModule(() => Promise.reject(other))).rejects.toBe(other);
  });
});
