import { describe, expect, it } from 'vitest';
import { toChatTurns } from './chat-turns.js';

describe('toChatTurns', () => {
  it('maps roles (developer → system) and joins text parts', () => {
    expect(
      toChatTurns([
        { role: 'developer', content: 'rules' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'assistant', content: null },
      ]),
    ).toEqual([
      { role: 'system', content: 'rules' },
      { role: 'user', content: 'ab' },
      { role: 'assistant', content: '' },
    ]);
  });

  it('rejects tool messages and non-text parts, naming the field', () => {
    expect(() => toChatTurns([{ role: 'tool', content: 'x' }])).toThrow(
      expect.objectContaining({
        status: 400,
        options: expect.objectContaining({ param: 'messages.0.role' }),
      }),
    );
    expect(() => toChatTurns([{ role: 'user', content: [{ type: 'image_url' }] }])).toThrow(
      expect.objectContaining({ options: expect.objectContaining({ param: 'messages.0.content.0.type' }) }),
    );
  });
});
