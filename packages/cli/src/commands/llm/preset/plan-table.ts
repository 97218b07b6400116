import type { Preset, PresetEngine } from '@sage/presets';
import { orDash } from '../../../output/format.js';
import { renderTable } from '../../../output/print.js';

/** What `use_gpu` means for this engine: `yes`, `no`, or `auto (GPU)` / `auto (CPU)` by its kind. */
export function gpuChoice(engine: PresetEngine): string {
  if (engine.use_gpu === true) return engine.gpu_ids ? `yes (${engine.gpu_ids.join(',')})` : 'yes';
  if (engine.use_gpu === false) return 'no';
  return engine.kind === 'llm' ? 'auto (GPU)' : 'auto (CPU)';
}

/** The plan of a preset: one row per engine it starts. */
export function planTable(preset: Preset): string {
  return renderTable(
    [
      { header: 'engine' },
      { header: 'model' },
      { header: 'kind' },
      { header: 'backend' },
      { header: 'gpu' },
      { header: 'tp', align: 'right' },
      { header: 'pp', align: 'right' },
      { header: 'port', align: 'right' },
      { header: 'label' },
    ],
    preset.engines.map((engine) => [
      engine.name,
      engine.model,
      engine.kind,
      orDash(engine.backend),
      gpuChoice(engine),
      String(engine.tensor_parallel),
      String(engine.pipeline_parallel),
      engine.port === undefined ? 'auto' : String(engine.port),
      engine.label ?? engine.name,
    ]),
  );
}
