import { median } from '../harness/stats.js';
import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { RecoveryResult } from './recovery-types.js';

const FAULT_NAMES = { SIGKILL: 'kill -9', SIGSTOP: 'SIGSTOP (frozen)' } as const;

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
      FAULT_NAMES[result.fault],
      `${settings.healthCheckIntervalMs} / ${settings.restartBackoffBaseMs} / ${settings.readinessPollMs} / ${settings.processSampleIntervalMs}`,
      pick((trial) => trial.detectedMs),
      pick((trial) => trial.respawnedMs),
      pick((trial) => trial.readyMs),
      pick((trial) => trial.servingMs),
      ratioCell(result.servingOverKill),
      cell(result.coldStartMs, 0),
      ratioCell(result.servingOverColdStart),
      ratioCell(result.servingOverBackoff),
      `${failed} (${[...new Set(trials.flatMap((trial) => Object.keys(trial.answers)))].join(', ')})`,
      String(trials.length),
    ];
  });
  return [
    'A fresh fake engine behind the gateway per trial (so each fault meets the first restart attempt and the base backoff), then `kill -9` or `kill -STOP` of its process (alternating, over the same gateway), then chat requests through the gateway one after the other until one answers 200 (after a SIGSTOP the first request is already on its way to the frozen engine). Times are medians over the trials, in ms from the signal; detected, respawned and RUNNING are the gateway\'s own engine state changes (to RESTARTING, STARTING, RUNNING). "÷ kill -9" is the serving-again time over that of kill -9 with the same settings, in the same run (goal for SIGSTOP: ≤ 2×).',
    '',
    markdownTable(
      [
        'settings',
        'fault',
        'health interval / backoff base / readiness poll / process sample (ms)',
        'detected',
        'respawned',
        'RUNNING',
        'serving again',
        '÷ kill -9',
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
