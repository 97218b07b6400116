import { Pool } from 'undici';

/** Timing of one streamed answer, all in ms from the moment the request was sent. */
export interface StreamTiming {
  /** Arrival of the first event that carries content (time to first token). */
  firstTokenMs: number;
  /** Arrival of every content event, in order. */
  eventArrivalsMs: number[];
  /** Socket reads that delivered more than one event (coalesced chunks). */
  coalescedReads: number;
  reads: number;
  status: number;
}

/** A streaming client over keep-alive connections to one origin. */
export class StreamClient {
  readonly #pool: Pool;

  constructor(origin: string, connections: number) {
    this.#pool = new Pool(origin, { connections, pipelining: 1 });
  }

  /** POST `body` (with `stream: true`) to `path` and time each SSE event as it arrives. */
  async stream(path: string, body: string): Promise<StreamTiming> {
    const sentAt = performance.now();
    const response = await this.#pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
    });
    const arrivals: number[] = [];
    let buffer = '';
    let reads = 0;
    let coalescedReads = 0;
    response.body.setEncoding('utf8');
    for await (const chunk of response.body) {
      const at = performance.now() - sentAt;
      reads += 1;
      buffer += chunk as string;
      const events = buffer.split('\n\n');
      buffer = events.pop() ?? '';
      const content = events.filter((event) => event.startsWith('data: {') && event.includes('"content"'));
      if (events.length > 1) coalescedReads += 1;
      for (const _event of content) arrivals.push(at);
    }
    return {
      firstTokenMs: arrivals[0] ?? Number.NaN,
      eventArrivalsMs: arrivals,
      coalescedReads,
      reads,
      status: response.statusCode,
    };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** Gaps between consecutive content events of one stream. */
export function interChunkGaps(timing: StreamTiming): number[] {
  return timing.eventArrivalsMs.slice(1).map((at, index) => at - (timing.eventArrivalsMs[index] as number));
}
