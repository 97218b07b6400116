/**
 * The newcomer experiment, repeated on every run: a copy of the packages' sources gets a new
 * scheduling policy (`round-robin.ts`) and a new engine backend (`llama-cpp.ts`) the way
 * CONTRIBUTING.md says — the file, one registry line, one doc section — and nothing else. Then
 * the contract tests, the docs tests and every place that validates a policy or backend name
 * (protocol's schemas, `sage.yaml`, the CLI's `--policy`, presets, the scheduler) must accept
 * the newcomer in that copy. A list written out by hand anywhere fails this test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('.', import.meta.url));
/** The packages a policy or backend name flows through, imported from source in the copy. */
const packages = ['protocol', 'presets', 'control-plane', 'server', 'llm-core', 'cli'];

const policiesDir = 'packages/control-plane/src/scheduler/policies';
const backendsDir = 'packages/control-plane/src/backends';

/** The newcomer's edits: each is a new file, one inserted line, or an inserted doc section. */
interface Edit {
  file: string;
  apply(text: string | undefined): string;
}

function insertBefore(marker: string, addition: string) {
  return (text: string | undefined): string => {
    const at = text?.indexOf(marker) ?? -1;
    if (text === undefined || at < 0) throw new Error(`marker '${marker}' not found`);
    return text.slice(0, at) + addition + text.slice(at);
  };
}

const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const policyEdits: Edit[] = [
  { file: `${policiesDir}/round-robin.ts`, apply: () => fixture('round-robin.ts') },
  {
    file: `${policiesDir}/registry.ts`,
    apply: (text) =>
      insertBefore(
        '\n/**',
        "import { createRoundRobinPolicy } from './round-robin.js';\n",
      )(insertBefore('} satisfies Record', '  round_robin: createRoundRobinPolicy,\n')(text)),
  },
  {
    file: 'docs/scheduling-policies.md',
    apply: insertBefore('## Adding a policy', fixture('round-robin.md')),
  },
];

const [backendRow, ...backendSection] = fixture('llama-cpp.md').split('\n');
const backendEdits: Edit[] = [
  { file: `${backendsDir}/llama-cpp.ts`, apply: () => fixture('llama-cpp.ts') },
  {
    file: `${backendsDir}/backend-registry.ts`,
    apply: (text) =>
      insertBefore(
        'import { sageBackend }',
        "import { llamaCppBackend } from './llama-cpp.js';\n",
      )(insertBefore('} satisfies Record', "  'llama-cpp': llamaCppBackend,\n")(text)),
  },
  {
    file: 'docs/engines.md',
    apply: (text) =>
      insertBefore(
        '## Custom backends',
        backendSection.join('\n'),
      )(insertBefore('| custom ', `${backendRow}\n`)(text)),
  },
];

/** Checks outside the contract tests: every consumer of a policy or backend name, in the copy. */
const probe = `
import { PolicyName, parseEngineStartRequest } from '@sage/protocol';
import { toEngineStartRequest, validatePreset } from '@sage/presets';
import { BackendRegistry, RequestScheduler, schedulingPolicyNames } from '@sage/control-plane';
import { createGatewayConfigJsonSchema, parseGatewayConfig, schedulingPolicyNames as serverPolicyNames } from '@sage/server';
import { validateLaunch } from './packages/cli/src/gateway/foreground-gateway.js';
import { PolicyFlag } from './packages/cli/src/input/flags.js';
import { describe, expect, it } from 'vitest';

describe('the newcomers reach every consumer', () => {
  it('round_robin: registry, protocol, CLI --policy, sage.yaml and the scheduler', async () => {
    expect(schedulingPolicyNames).toContain('round_robin');
    expect(serverPolicyNames).toContain('round_robin');
    expect(PolicyName.parse('round_robin')).toBe('round_robin');
    expect(PolicyFlag.parse('round_robin')).toBe('round_robin');
    await expect(validateLaunch({ policy: 'round_robin', insecure: false })).resolves.toEqual({});
    const config = parseGatewayConfig(
      'scheduling:\\n  policy: round_robin\\n  parameters:\\n    round_robin: { stride: 2 }\\n',
      { file: 'sage.yaml' },
    );
    expect(config.scheduling.policy).toBe('round_robin');
    const scheduler = new RequestScheduler({ engines: () => [], policy: 'round_robin' });
    expect(scheduler.policy).toBe('round_robin');
    // sage.schema.json is generated (pnpm --filter @sage/server schema), its policy enum from the registry.
    expect(JSON.stringify(createGatewayConfigJsonSchema())).toContain('"round_robin"');
  });

  it('llama-cpp: registry, protocol, presets and sage.yaml', () => {
    const request = parseEngineStartRequest({ model_id: '/models/m.gguf', engine_kind: 'llm', backend: 'llama-cpp' });
    expect(new BackendRegistry().resolve(request).program?.(request)).toBe('llama-server');
    const preset = validatePreset({ version: 1, name: 'p', engines: [{ name: 'chat', model: '/models/m.gguf', backend: 'llama-cpp' }] });
    expect(toEngineStartRequest(preset.engines[0]).backend).toBe('llama-cpp');
    expect(() =>
      parseGatewayConfig('backends:\\n  - name: llama-cpp\\n    command: [x, "{port}"]\\n', { file: 'sage.yaml' }),
    ).toThrow(/built-in backend/);
  });
});
`;

/** The vitest configuration of the copy: the repository's, with the copy's sources. */
const vitestConfig = `
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
export default defineConfig({
  cacheDir: fileURLToPath(new URL('./.vite', import.meta.url)),
  resolve: {
    alias: [{
      find: /^@sage\\/(${packages.join('|')})$/,
      replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
    }],
  },
  test: { include: ['**/*.test.ts'], exclude: ['**/node_modules/**'], maxWorkers: 1, testTimeout: 30000 },
});
`;

/** The contract and docs tests that must pick the newcomers up by themselves. */
const pickedUpBy = [
  `${policiesDir}/policy.contract.test.ts`,
  `${policiesDir}/docs.test.ts`,
  `${backendsDir}/backend.contract.test.ts`,
  'packages/control-plane/src/docs.test.ts',
  'packages/control-plane/src/scheduler/request-scheduler.test.ts',
  'newcomer-probe.test.ts',
];

let copy: string;
let run: { status: number | null; output: string; report: VitestReport };

interface VitestReport {
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

function applyEdits(edits: Edit[]): void {
  for (const edit of edits) {
    const path = join(copy, edit.file);
    let before: string | undefined;
    try {
      before = readFileSync(path, 'utf8');
    } catch {
      before = undefined;
    }
    writeFileSync(path, edit.apply(before));
  }
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'sage-newcomer-'));
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  for (const name of packages) {
    const target = join(copy, 'packages', name);
    mkdirSync(target, { recursive: true });
    cpSync(join(repo, 'packages', name, 'src'), join(target, 'src'), { recursive: true });
    cpSync(join(repo, 'packages', name, 'package.json'), join(target, 'package.json'));
    symlinkSync(join(repo, 'packages', name, 'node_modules'), join(target, 'node_modules'), 'dir');
  }
  cpSync(join(repo, 'packages/control-plane/assets'), join(copy, 'packages/control-plane/assets'), {
    recursive: true,
  });
  cpSync(join(repo, 'docs'), join(copy, 'docs'), { recursive: true });
  writeFileSync(join(copy, 'package.json'), '{ "private": true, "type": "module" }\n');
  applyEdits([...policyEdits, ...backendEdits]);
  writeFileSync(join(copy, 'vitest.config.ts'), vitestConfig);
  writeFileSync(join(copy, 'newcomer-probe.test.ts'), probe);
  const reportFile = join(copy, 'report.json');
  const child = spawnSync(
    join(repo, 'node_modules/.bin/vitest'),
    ['run', '--reporter=json', `--outputFile=${reportFile}`, ...pickedUpBy],
    { cwd: copy, encoding: 'utf8', shell: false, timeout: 300_000, env: { ...process.env, CI: '1' } },
  );
  let report: VitestReport = { numFailedTests: -1, testResults: [] };
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport;
  } catch {
    // reported by the assertions below, with the output
  }
  run = { status: child.status, output: `${child.stdout}\n${child.stderr}`, report };
}, 330_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** Passed test names of one file of the copy's run. */
function passed(file: string): string[] {
  const result = run.report.testResults.find((entry) => relative(copy, entry.name) === file);
  return (result?.assertionResults ?? [])
    .filter((test) => test.status === 'passed')
    .map((test) => test.fullName);
}

describe('adding a policy or a backend (the newcomer experiment)', () => {
  it('touches at most three files each: the file, the registry line, its doc section', () => {
    for (const edits of [policyEdits, backendEdits]) {
      expect(edits).toHaveLength(3);
      expect(edits.filter((edit) => edit.file.startsWith('docs/'))).toHaveLength(1);
    }
  });

  it('passes every test of the copy that enumerates policies or backends', () => {
    const failures = run.report.testResults
      .flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed'))
      .map((test) => `${test.fullName}: ${test.failureMessages?.join('\n').slice(0, 600)}`);
    expect(failures, run.output.slice(-4000)).toEqual([]);
    expect(run.status, run.output.slice(-4000)).toBe(0);
    expect(run.report.testResults.map((file) => relative(copy, file.name)).sort()).toEqual(
      [...pickedUpBy].sort(),
    );
  });

  it('runs the shared contract and docs checks on the newcomers without a test of their own', () => {
    expect(
      passed(`${policiesDir}/policy.contract.test.ts`).filter((name) => name.includes('round_robin')),
    ).not.toHaveLength(0);
    expect(passed(`${policiesDir}/docs.test.ts`).filter((name) => name.includes('round_robin'))).toHaveLength(
      2,
    );
    expect(
      passed(`${backendsDir}/backend.contract.test.ts`).filter((name) => name.includes('llama-cpp')),
    ).not.toHaveLength(0);
    expect(
      passed('packages/control-plane/src/docs.test.ts').filter((name) => name.includes('llama-cpp')),
    ).toHaveLength(2);
    expect(passed('newcomer-probe.test.ts')).toHaveLength(2);
  });
});
