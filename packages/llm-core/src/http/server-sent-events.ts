/** The client's SSE parser is `@sage/protocol`'s (eventsource-parser), shared with the CLI and the gateway. */
export { serverSentEventData as parseServerSentEvents } from '@sage/protocol';
