import { median } from '../harness/stats.js';
import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { RecoveryResult } from './recovery.js';

export function renderRecoveryMarkdown(results: readonly RecoveryResult[]): string {
  const rows = results.map((result) => {
    const { settings, trials } = result;
    const pick = (read: (trial: (typeof trials)[number]) => number) => cell(median(trials.map(read)), 0);
    const failed = trials.reduce(
      (sum, trial) =>
        sum +
        Object.entries(trial.answers).reduce((count, [status, n]) => count + (status === '200' ? 0 : n), 0),
      0,
    );
    return [
      settings.name,
      `${settings.healthCheckIntervalMs} / ${settings.restartBackoffBaseMs} / ${settings.readinessPollMs}`,
      pick((trial) => trial.detectedMs),
      pick((trial) => trial.respawnedMs),
      pick((trial) => trial.readyMs),
      pick((trial) => trial.servingMs),
      cell(result.coldStartMs, 0),
      ratioCell(result.servingOverColdStart),
      ratioCell(result.servingOverBackoff),
      `${failed} (${[...new Set(trials.flatMap((trial) => Object.keys(trial.answers)))].join(', ')})`,
      String(trials.length),
    ];
  });
  return [
    "A fresh fake engine behind the gateway per trial (so each kill meets the first restart attempt and the base backoff), `kill -9` of its process, then chat requests through the gateway one after the other until one answers 200. Times are medians over the trials, in ms from the kill; detected, respawned and RUNNING are the gateway's own engine state changes (to RESTARTING, STARTING, RUNNING).",
    '',
    markdownTable(
      [
        'settings',
        'health interval / backoff base / readiness poll (ms)',
        'detected',
        'respawned',
        'RUNNING',
        'serving again',
        'cold start',
        'serving ÷ cold start',
        'serving ÷ backoff',
        'non-200 answers meanwhile (statuses)',
        'trials',
      ],
      rows,
    ),
  ].join('\n');
}
