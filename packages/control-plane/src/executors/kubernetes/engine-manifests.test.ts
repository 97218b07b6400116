import { validateKubernetesObject } from '@sage/testing';
import { describe, expect, it } from 'vitest';
import type { ExecutorLaunchSpec } from '../engine-executor.js';
import {
  ENGINE_LABELS,
  engineManifests,
  engineResourceName,
  labelValue,
  podArgv,
} from './engine-manifests.js';

const spec: ExecutorLaunchSpec = {
  engineId: 'engine-1a2b3c4d',
  backend: 'vllm',
  modelId: 'Qwen/Qwen2.5-7B-Instruct',
  kind: 'llm',
  host: '127.0.0.1',
  port: 8001,
  healthPaths: ['/health', '/v1/models'],
  logPath: '/var/sage/logs/engine-1a2b3c4d.log',
  argv: ['vllm', 'serve', 'Qwen/Qwen2.5-7B-Instruct', '--host', '127.0.0.1', '--port', '8001'],
  env: { PATH: '/usr/bin', CUDA_VISIBLE_DEVICES: '0,1', HF_HUB_OFFLINE: '1' },
  ownEnv: { CUDA_VISIBLE_DEVICES: '0,1', HF_HUB_OFFLINE: '1' },
  gpuIds: [0, 1],
  device: 'cuda',
  nonce: 'n0nce-abc',
  spec: 'eyJ9',
};

const settings = {
  namespace: 'sage',
  gateway: 'sage-gateway',
  image: 'vllm/vllm-openai:v0.11.0',
  terminationGracePeriodSeconds: 20,
};

describe('engineManifests', () => {
  it('builds a Deployment and a Service that pass the official schemas and the API server rules', () => {
    const { deployment, service } = engineManifests(spec, {
      ...settings,
      modelCache: {
        volume: { persistentVolumeClaim: { claimName: 'models' } },
        mountPath: '/root/.cache/huggingface',
      },
    });
    expect(validateKubernetesObject(deployment)).toEqual([]);
    expect(validateKubernetesObject(service)).toEqual([]);
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.metadata?.namespace).toBe('sage');
    expect(service.spec?.selector).toEqual(deployment.spec?.selector?.matchLabels);
  });

  it('labels with engine id, model and gateway; the exact model id is an annotation', () => {
    const { deployment } = engineManifests(spec, settings);
    expect(deployment.metadata?.labels).toMatchObject({
      [ENGINE_LABELS.engineId]: 'engine-1a2b3c4d',
      [ENGINE_LABELS.gateway]: 'sage-gateway',
      [ENGINE_LABELS.model]: 'Qwen.Qwen2.5-7B-Instruct',
    });
    expect(deployment.metadata?.annotations?.['sagellm.io/model']).toBe('Qwen/Qwen2.5-7B-Instruct');
    expect(deployment.spec?.template.metadata?.annotations?.['sagellm.io/launch-nonce']).toBe('n0nce-abc');
  });

  it('asks for nvidia.com/gpu and never sets CUDA_VISIBLE_DEVICES (the device plugin assigns GPUs)', () => {
    const container = engineManifests(spec, settings).deployment.spec?.template.spec?.containers[0];
    expect(container?.resources?.limits).toEqual({ 'nvidia.com/gpu': '2' });
    const names = container?.env?.map((variable) => variable.name) ?? [];
    expect(names).not.toContain('CUDA_VISIBLE_DEVICES');
    expect(names).not.toContain('PATH');
    expect(names).toEqual(expect.arrayContaining(['HF_HUB_OFFLINE', 'SAGE_ENGINE_ID', 'SAGE_ENGINE_NONCE']));
    const cpu = engineManifests({ ...spec, device: 'cpu', gpuIds: [] }, settings).deployment.spec?.template
      .spec?.containers[0];
    expect(cpu?.resources).toBeUndefined();
  });

  it('runs the backend command bound to 0.0.0.0 in the configured image, ready on the first health path', () => {
    const container = engineManifests(spec, settings).deployment.spec?.template.spec?.containers[0];
    expect(container?.image).toBe('vllm/vllm-openai:v0.11.0');
    expect(container?.command).toEqual(['vllm']);
    expect(container?.args).toEqual([
      'serve',
      'Qwen/Qwen2.5-7B-Instruct',
      '--host',
      '0.0.0.0',
      '--port',
      '8001',
    ]);
    expect(container?.ports).toEqual([{ name: 'http', containerPort: 8001, protocol: 'TCP' }]);
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
  });

  it('mounts the model cache volume and sets a memory limit from the cap', () => {
    const { deployment } = engineManifests(
      { ...spec, memoryLimitBytes: 8 * 2 ** 30 },
      { ...settings, modelCache: { volume: { hostPath: { path: '/data/models' } }, mountPath: '/models' } },
    );
    const pod = deployment.spec?.template.spec;
    expect(pod?.volumes).toEqual([{ name: 'model-cache', hostPath: { path: '/data/models' } }]);
    expect(pod?.containers[0]?.volumeMounts).toEqual([{ name: 'model-cache', mountPath: '/models' }]);
    expect(pod?.containers[0]?.resources?.limits?.memory).toBe('8192Mi');
  });
});

describe('names', () => {
  it.each([
    ['engine-1a2b3c4d', 'sage-engine-1a2b3c4d'],
    ['My_Engine', /^sage-my-engine-[0-9a-f]{8}$/],
    ['x'.repeat(80), /^sage-x+-[0-9a-f]{8}$/],
  ])('engineResourceName(%s) is an RFC 1123 label', (engineId, expected) => {
    const name = engineResourceName(engineId);
    expect(name.length).toBeLessThanOrEqual(63);
    if (typeof expected === 'string') expect(name).toBe(expected);
    else expect(name).toMatch(expected);
  });

  it('labelValue makes any model id a label value', () => {
    expect(labelValue('hf:org/repo/file.gguf')).toBe('hf.org.repo.file.gguf');
    expect(labelValue(`-${'a'.repeat(70)}`)).toHaveLength(62);
  });

  it('podArgv rebinds the given host to every address of the pod', () => {
    expect(podArgv(['x', '--host', '127.0.0.1', '--bind=127.0.0.1', '--port', '1'], '127.0.0.1')).toEqual([
      'x',
      '--host',
      '0.0.0.0',
      '--bind=0.0.0.0',
      '--port',
      '1',
    ]);
  });
});
