import { HEADERS, type OpenAiErrorBody, openAiError } from '@sage/protocol';

/** Another API's error body made from the OpenAI one (the Messages API answers Anthropic's shape). */
export type ErrorBodyShape = (status: number, openAi: OpenAiErrorBody) => unknown;

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
    /** Reshape the body for the route's API (default: OpenAI's shape). */
    shape?: ErrorBodyShape;
  } = {},
): Response {
  const body = openAiError(message, options);
  return new Response(JSON.stringify(options.shape ? options.shape(status, body) : body), {
    status,
    headers: gatewayErrorHeaders(options.headers),
  });
}
