import type { EngineKind } from '@sage/protocol';
import { RETRY_AFTER_SECONDS } from '../defaults.js';
import type { EmbeddingModel, GenerationModel, ServingModel } from '../runtime/serving-model.js';
import { badRequest, HttpError } from './http-error.js';

export type EngineStatus = 'loading' | 'ready' | 'draining';

/**
 * What the engine serves and whether it can serve now. The model loads in the background while
 * the server already answers: `/health` is 503 until {@link ready} is called.
 */
export class EngineState {
  private currentStatus: EngineStatus = 'loading';
  private model: ServingModel | undefined;
  /** Unix seconds, for `/v1/models`. */
  readonly createdAt: number;

  constructor(
    readonly servedModelName: string,
    readonly kind: EngineKind,
    now: () => number = Date.now,
  ) {
    this.createdAt = Math.floor(now() / 1000);
  }

  get status(): EngineStatus {
    return this.currentStatus;
  }

  ready(model: ServingModel): void {
    if (model.kind !== this.kind) throw new Error(`loaded a ${model.kind} model for a ${this.kind} engine`);
    this.model = model;
    this.currentStatus = 'ready';
  }

  /** Stop taking new requests (shutdown). */
  drain(): void {
    this.currentStatus = 'draining';
  }

  /** The loaded model, for closing at shutdown. */
  loadedModel(): ServingModel | undefined {
    return this.model;
  }

  /** 404 unless `requested` is absent or the served model name. */
  checkModelName(requested: string | undefined): void {
    if (requested === undefined || requested === this.servedModelName) return;
    throw new HttpError(
      404,
      `The model '${requested}' does not exist. This engine serves '${this.servedModelName}'.`,
      {
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      },
    );
  }

  generationModel(endpoint: string): GenerationModel {
    if (this.kind !== 'llm') {
      throw badRequest(
        `${endpoint} is not served here: this engine serves embeddings ('${this.servedModelName}', kind embedding); use /v1/embeddings`,
        'model',
        'wrong_model_kind',
      );
    }
    return this.servingModel() as GenerationModel;
  }

  embeddingModel(): EmbeddingModel {
    if (this.kind !== 'embedding') {
      throw badRequest(
        `/v1/embeddings is not served here: this engine serves an LLM ('${this.servedModelName}', kind llm); start it with --kind embedding`,
        'model',
        'wrong_model_kind',
      );
    }
    return this.servingModel() as EmbeddingModel;
  }

  /** The model, or 503 while loading or draining. */
  servingModel(): ServingModel {
    if (this.currentStatus === 'ready' && this.model) return this.model;
    const message =
      this.currentStatus === 'loading'
        ? `the model '${this.servedModelName}' is still loading; retry shortly`
        : 'the engine is shutting down';
    throw new HttpError(503, message, {
      type: 'service_unavailable_error',
      code: this.currentStatus === 'loading' ? 'model_loading' : 'shutting_down',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}
