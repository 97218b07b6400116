import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateKubernetesObject } from '@sage/testing';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// examples/kubernetes/ is checked as a cluster would check it: every object against the official
// schemas (kubernetes-models) and the API server's own rules.
const directory = new URL('../../../examples/kubernetes/', import.meta.url).pathname;
const files = readdirSync(directory).filter((file) => file.endsWith('.yaml'));

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects as parsed
function objectsOf(file: string): any[] {
  return parseAllDocuments(readFileSync(join(directory, file), 'utf8'))
    .map((document) => document.toJS())
    .filter((object) => object !== null);
}

describe('examples/kubernetes', () => {
  it('holds the gateway Deployment, its Service, ServiceAccount, Role, RoleBinding, ClusterRole and config', () => {
    const kinds = files.flatMap((file) => objectsOf(file).map((object) => object.kind));
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'PersistentVolumeClaim',
        'Deployment',
        'Service',
      ]),
    );
  });

  it.each(files)('%s validates against the Kubernetes schemas', (file) => {
    for (const object of objectsOf(file)) {
      expect({ name: object.metadata?.name, problems: validateKubernetesObject(object) }).toEqual({
        name: object.metadata?.name,
        problems: [],
      });
    }
  });

  it('runs the gateway as its ServiceAccount, with its config, one replica, leaving engines running on SIGTERM', () => {
    const deployment = objectsOf('gateway.yaml').find((object) => object.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(pod.serviceAccountName).toBe('sage-gateway');
    expect(pod.containers[0].args).toEqual(['--config', '/etc/sage/sage.yaml', '--keep-engines']);
    const config = objectsOf('sage-config.yaml')[0];
    expect(pod.volumes.find((volume: { name: string }) => volume.name === 'config').configMap.name).toBe(
      config.metadata.name,
    );
  });

  it('binds the Role and ClusterRole to the gateway, and grants nothing beyond what the executor calls', () => {
    const rbac = objectsOf('rbac.yaml');
    const role = rbac.find((object) => object.kind === 'Role');
    const verbs = Object.fromEntries(
      [...role.rules, ...rbac.find((object) => object.kind === 'ClusterRole').rules].map(
        (rule: { resources: string[]; verbs: string[] }) => [rule.resources.join(','), rule.verbs],
      ),
    );
    expect(verbs).toEqual({
      deployments: ['list', 'create', 'delete'],
      services: ['get', 'create', 'delete'],
      pods: ['list', 'watch'],
      'pods/log': ['get'],
      nodes: ['get', 'list'],
    });
    for (const binding of rbac.filter((object) => object.kind.endsWith('Binding'))) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sage-gateway', namespace: 'sage' }]);
    }
  });
});
