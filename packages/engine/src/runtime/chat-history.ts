import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatTurn } from './serving-model.js';

/**
 * OpenAI chat turns → node-llama-cpp chat history. The history always ends with a model turn
 * for the model to write: an empty one, or the last assistant message to continue it.
 */
export function toChatHistory(turns: readonly ChatTurn[]): ChatHistoryItem[] {
  const history = turns.map((turn): ChatHistoryItem => {
    if (turn.role === 'system') return { type: 'system', text: turn.content };
    if (turn.role === 'user') return { type: 'user', text: turn.content };
    return { type: 'model', response: [turn.content] };
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
