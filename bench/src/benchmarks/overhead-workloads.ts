/** The two non-streaming workloads of the overhead benchmark. */
export interface OverheadWorkload {
  name: 'chat' | 'embeddings';
  path: '/v1/chat/completions' | '/v1/embeddings';
  model: string;
  engineKind: 'llm' | 'embedding';
  body: string;
}

const CHAT_MODEL = 'fake/chat';
const EMBED_MODEL = 'fake/embed';

export const OVERHEAD_WORKLOADS: readonly OverheadWorkload[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    model: CHAT_MODEL,
    engineKind: 'llm',
    body: JSON.stringify({
      model: CHAT_MODEL,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Write one sentence about the sea.' },
      ],
      max_tokens: 16,
    }),
  },
  {
    name: 'embeddings',
    path: '/v1/embeddings',
    model: EMBED_MODEL,
    engineKind: 'embedding',
    body: JSON.stringify({ model: EMBED_MODEL, input: 'The quick brown fox jumps over the lazy dog.' }),
  },
];
