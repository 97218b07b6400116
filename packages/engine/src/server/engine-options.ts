import type { EngineKind } from '@sage/protocol';

/** The engine's resolved options (every default applied). */
export interface EngineOptions {
  /** The `--model` spec: a .gguf path, an hf: URI or a bundled tiny model name. */
  model: string;
  kind: EngineKind;
  host: string;
  port: number;
  device: 'cpu' | 'cuda';
  threads: number;
  contextSize: number;
  parallel: number;
  maxQueue: number;
  servedModelName: string;
  modelsDirectory: string;
  defaultMaxTokens: number | undefined;
}
