import type { ChatMessage } from '@sage/protocol';
import type { ChatTurn } from '../runtime/serving-model.js';
import { badRequest } from './http-error.js';

const roles: Record<ChatMessage['role'], ChatTurn['role'] | undefined> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: undefined,
  function: undefined,
};

function textOf(message: ChatMessage, index: number): string {
  const { content } = message;
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, partIndex) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw badRequest(
        `content part type '${part.type}' is not supported by this engine (text only)`,
        `messages.${index}.content.${partIndex}.type`,
      );
    })
    .join('');
}

/** OpenAI chat messages → text turns. Tool and function messages and non-text parts → 400. */
export function toChatTurns(messages: readonly ChatMessage[]): ChatTurn[] {
  return messages.map((message, index) => {
    const role = roles[message.role];
    if (!role) {
      throw badRequest(
        `role '${message.role}' is not supported by this engine (no tool calling)`,
        `messages.${index}.role`,
      );
    }
    return { role, content: textOf(message, index) };
  });
}
