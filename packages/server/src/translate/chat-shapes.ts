/** The slices of chat completion answers the API translations read (engines send OpenAI's shapes). */
export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export interface ChatAnswer {
  id?: string;
  created?: number;
  model?: string;
  choices?: Array<{ message?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
}

export interface ChatChunk {
  id?: string;
  created?: number;
  model?: string;
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: ChatUsage | null;
  error?: { message?: string; type?: string; code?: string | null; param?: string | null };
}

/** A chat message for the engine (content as one string). */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
