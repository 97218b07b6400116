import { HEADERS, type Priority } from '@sage/protocol';

/** What one call adds to the headers (SPEC section 5 request headers). */
export interface HeaderInputs {
  requestId: string;
  apiKey?: string | undefined;
  priority?: Priority | undefined;
  sloDeadlineMs?: number | undefined;
  schedulingPolicy?: string | undefined;
  hasBody: boolean;
  stream: boolean;
}

export function requestHeaders(inputs: HeaderInputs): Record<string, string> {
  const headers: Record<string, string> = {
    accept: inputs.stream ? 'text/event-stream' : 'application/json',
    [HEADERS.requestId]: inputs.requestId,
  };
  if (inputs.hasBody) headers['content-type'] = 'application/json';
  if (inputs.apiKey) headers.authorization = `Bearer ${inputs.apiKey}`;
  if (inputs.priority !== undefined) headers[HEADERS.priority] = inputs.priority;
  if (inputs.sloDeadlineMs !== undefined) headers[HEADERS.sloDeadlineMs] = String(inputs.sloDeadlineMs);
  if (inputs.schedulingPolicy !== undefined) headers[HEADERS.schedulingPolicy] = inputs.schedulingPolicy;
  return headers;
}
