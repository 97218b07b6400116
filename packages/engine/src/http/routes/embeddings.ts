import { EmbeddingRequest, type EmbeddingResponse } from '@sage/protocol';
import { Hono } from 'hono';
import type { EmbeddingInput, EmbeddingModel } from '../../runtime/serving-model.js';
import { badRequest } from '../http-error.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteContext } from '../route-context.js';
import { l2Normalize, toBase64Float32 } from '../vector-encoding.js';

const ENDPOINT = '/v1/embeddings';
/** Status answered to a client that left before its request ran (nobody reads it). */
const CLIENT_CLOSED_REQUEST = 499;

/** `input` in any of OpenAI's four shapes → a list of inputs. */
function inputList(input: EmbeddingRequest['input']): EmbeddingInput[] {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  return input as number[][];
}

async function checkInputs(inputs: EmbeddingInput[], model: EmbeddingModel): Promise<number[]> {
  const counts: number[] = [];
  for (const [index, input] of inputs.entries()) {
    const param = inputs.length === 1 ? 'input' : `input.${index}`;
    if (input.length === 0) throw badRequest('input must not be empty', param);
    if (typeof input !== 'string') {
      const bad = input.find((token) => token < 0 || token >= model.vocabularySize);
      if (bad !== undefined) {
        throw badRequest(`token id ${bad} is outside the vocabulary (0–${model.vocabularySize - 1})`, param);
      }
    }
    const tokens = await model.countTokens(input, param);
    if (tokens >= model.contextSize) {
      throw badRequest(
        `This model's maximum context length is ${model.contextSize} tokens. However, input ${index} has ${tokens} tokens. Please shorten it.`,
        param,
        'context_length_exceeded',
      );
    }
    counts.push(tokens);
  }
  return counts;
}

/** `POST /v1/embeddings`: L2-normalised vectors, as float arrays or base64 float32. */
export function embeddingsRoute(context: RouteContext): Hono {
  return new Hono().post(ENDPOINT, async (c) => {
    const request = await readJsonBody(c, EmbeddingRequest, 'invalid embedding request');
    const model = context.state.embeddingModel();
    context.state.checkModelName(request.model);
    if (request.dimensions !== undefined && request.dimensions !== model.dimensions) {
      throw badRequest(
        `this model produces ${model.dimensions}-dimensional embeddings and cannot change that (dimensions ${request.dimensions})`,
        'dimensions',
      );
    }
    const inputs = inputList(request.input);
    const tokenCounts = await checkInputs(inputs, model);
    const promptTokens = tokenCounts.reduce((sum, count) => sum + count, 0);

    const clientSignal = c.req.raw.signal;
    const stopSignal = AbortSignal.any([clientSignal, context.shutdownSignal]);
    const release = await context.slots.acquire(stopSignal).catch((error: unknown) => {
      if (!stopSignal.aborted) throw error;
      if (!clientSignal.aborted) context.state.servingModel(); // shutting down → 503
      context.metrics.recordRequest(ENDPOINT, 'aborted');
      return undefined;
    });
    if (!release) return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    const started = Date.now();
    let vectors: number[][];
    try {
      vectors = [];
      for (const input of inputs) vectors.push(l2Normalize(await model.embed(input)));
    } catch (error) {
      context.metrics.recordRequest(ENDPOINT, 'error');
      throw error;
    } finally {
      release();
    }
    context.metrics.addPromptTokens(promptTokens);
    context.metrics.recordRequest(ENDPOINT, 'success');
    context.logger.info(
      { endpoint: ENDPOINT, inputs: inputs.length, promptTokens, durationMs: Date.now() - started },
      'request finished',
    );
    const base64 = request.encoding_format === 'base64';
    const body: EmbeddingResponse = {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64Float32(vector) : vector,
      })),
      model: context.state.servedModelName,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    return c.json(body);
  });
}
