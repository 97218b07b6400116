import { HEADERS, openAiError } from '@sage/protocol';

/** Headers of every error the gateway itself answers (STYLE G10: errors say who raised them). */
function gatewayErrorHeaders(extra?: Record<string, string>): Record<string, string> {
  return { 'content-type': 'application/json', [HEADERS.errorSource]: 'gateway', ...extra };
}

/**
 * An OpenAI-shaped error response raised by the gateway (`X-Sage-Error-Source: gateway`).
 *
 * @example
 * ```ts
 * return gatewayErrorResponse(413, 'the request body is larger than 4194304 bytes', { code: 'request_too_large' });
 * ```
 */
export function gatewayErrorResponse(
  status: number,
  message: string,
  options: {
    type?: string;
    code?: string | null;
    param?: string | null;
    headers?: Record<string, string>;
  } = {},
): Response {
  return new Response(JSON.stringify(openAiError(message, options)), {
    status,
    headers: gatewayErrorHeaders(options.headers),
  });
}
