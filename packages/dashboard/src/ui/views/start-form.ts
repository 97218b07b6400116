import type { EngineInfoWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from '../api.js';
import { el } from '../dom.js';
import { createNotice } from './notice.js';

/** A labelled input; `name` is the API's field, so an API error's `param` finds it. */
function field(label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLElement {
  const id = `start-${control.name}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    control,
    hintId ? el('small', { id: hintId }, hint) : null,
  );
}

function option(value: string, label: string): HTMLOptionElement {
  return el('option', { value }, label);
}

/** The start request from the form: empty fields are left out, so the API's defaults apply. */
function startBody(form: HTMLFormElement): Record<string, unknown> {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const body: Record<string, unknown> = { model_id: text('model_id'), engine_kind: text('engine_kind') };
  for (const name of ['backend', 'engine_label']) if (text(name)) body[name] = text(name);
  // Numbers go as typed: the API checks them and names the field when one is wrong.
  for (const name of ['port', 'max_concurrent_requests', 'tensor_parallel_size']) {
    if (text(name)) body[name] = Number(text(name));
  }
  const useGpu = text('use_gpu');
  if (useGpu) body.use_gpu = useGpu === 'true';
  if (text('extra_args')) body.extra_args = text('extra_args').split(/\s+/);
  return body;
}

/**
 * "Start an engine": the fields of `POST /v1/management/engines`. Validation is the API's own:
 * its error message is shown and the field it names is marked, exactly as `sage` would report it.
 */
export function startForm(
  client: ManagementClient,
  onStarted: (engine: EngineInfoWire) => void,
): HTMLElement {
  const notice = createNotice();
  const model = el('input', { name: 'model_id', required: true, autocomplete: 'off', spellcheck: 'false' });
  const kind = el('select', { name: 'engine_kind' }, option('llm', 'llm'), option('embedding', 'embedding'));
  const backend = el('input', { name: 'backend', autocomplete: 'off', placeholder: 'default for the kind' });
  const useGpu = el(
    'select',
    { name: 'use_gpu' },
    option('', 'auto (LLM: GPU, embedding: CPU)'),
    option('true', 'yes'),
    option('false', 'no'),
  );
  const port = el('input', { name: 'port', inputmode: 'numeric', autocomplete: 'off', placeholder: 'auto' });
  const concurrency = el('input', {
    name: 'max_concurrent_requests',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: 'default',
  });
  const tensorParallel = el('input', {
    name: 'tensor_parallel_size',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: '1',
  });
  const label = el('input', { name: 'engine_label', autocomplete: 'off' });
  const extraArgs = el('input', { name: 'extra_args', autocomplete: 'off', spellcheck: 'false' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Start engine');
  const controls = [model, kind, backend, useGpu, port, concurrency, tensorParallel, label, extraArgs];
  const form = el(
    'form',
    { class: 'start-form', 'aria-label': 'Start an engine', novalidate: true },
    el(
      'div',
      { class: 'fields' },
      field('Model', model, 'a model id or path, e.g. sage/tiny-chat'),
      field('Kind', kind),
      field('Backend', backend),
      field('Use a GPU', useGpu),
      field('Port', port),
      field('Max concurrent requests', concurrency),
      field('Tensor parallel size', tensorParallel),
      field('Label', label),
      field('Extra arguments', extraArgs, 'separated by spaces; only those the backend allows'),
    ),
    el('div', { class: 'form-actions' }, submit),
    notice.element,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const control of controls) control.removeAttribute('aria-invalid');
    notice.clear();
    submit.disabled = true;
    try {
      const engine = await client.request<EngineInfoWire>('POST', '/v1/management/engines', startBody(form));
      notice.ok(`Started ${engine.engine_id} (${engine.model_id}): ${engine.status}`);
      onStarted(engine);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(String(error), 0);
      notice.error(`Not started: ${apiError.message}`);
      const named = controls.find(
        (control) => apiError.param !== null && apiError.param.split(/[.[]/)[0] === control.name,
      );
      if (named) {
        named.setAttribute('aria-invalid', 'true');
        named.focus();
      }
    } finally {
      submit.disabled = false;
    }
  });
  return el('details', { class: 'start' }, el('summary', {}, 'Start an engine'), form);
}
