import { CLIENT_DEFAULTS, CLIENT_ENV } from '../defaults.js';
import { SageConnectionError, SageTimeoutError } from '../errors.js';
import type { HttpTransport } from '../http/http-transport.js';
import { healthUrlOf } from './control-plane-url.js';
import type { ConnectionPlan } from './resolve-connection.js';

const SOURCE_WORDS = {
  option: 'from `controlPlaneUrl`',
  environment: `from ${CLIENT_ENV.controlPlaneUrl}`,
  default: `the default; set ${CLIENT_ENV.controlPlaneUrl} or \`controlPlaneUrl\` to use another`,
} as const;

/** The message when nothing answers: what was tried and the three ways forward. */
function unreachableMessage(baseUrl: string, source: keyof typeof SOURCE_WORDS, reason: string): string {
  return [
    `no control plane answers at ${baseUrl} (${SOURCE_WORDS[source]}): ${reason}.`,
    'Start a gateway with `sage gateway start` (in the sageLLM repository: `pnpm sage llm serve`),',
    'point `controlPlaneUrl` or SAGE_CONTROL_PLANE_URL at a running one,',
    'or start one inside this process with `UnifiedInferenceClient.create({ embedded: true })`.',
  ].join(' ');
}

/**
 * Check that something answers at the control plane (`GET /health`; any HTTP status counts),
 * so `create()` fails at once with a helpful message rather than on the first request.
 */
export async function probeControlPlane(
  transport: HttpTransport,
  plan: Extract<ConnectionPlan, { mode: 'remote' }>,
  timeoutMs: number,
): Promise<void> {
  const url = healthUrlOf(plan.baseUrl);
  try {
    await transport.probe(url, Math.min(timeoutMs, CLIENT_DEFAULTS.probeTimeoutMs));
  } catch (error) {
    if (SageConnectionError.isInstance(error)) {
      throw new SageConnectionError({
        message: unreachableMessage(plan.baseUrl, plan.source, error.code ?? 'connection failed'),
        url: plan.baseUrl,
        code: error.code,
        cause: error,
      });
    }
    if (SageTimeoutError.isInstance(error)) {
      throw new SageConnectionError({
        message: unreachableMessage(plan.baseUrl, plan.source, `no answer within ${error.timeoutMs} ms`),
        url: plan.baseUrl,
        code: null,
        cause: error,
      });
    }
    throw error;
  }
}
