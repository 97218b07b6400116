import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Node } from 'kubernetes-models/v1/Node';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

/**
 * The official schemas (kubernetes-models) of the kinds the fake API server stores, and of the
 * kinds the example manifests use (examples/kubernetes/).
 */
const MODELS = {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  Deployment,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Pod,
  Role,
  RoleBinding,
  Secret,
  Service,
  ServiceAccount,
};
/** apiVersion of each kind: a manifest with another one is not what it claims. */
const API_VERSIONS = {
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  Deployment: 'apps/v1',
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * Problems of an object sent to the API server, as Kubernetes `StatusCause`s (empty: valid).
 * Checks the official OpenAPI schema of its kind, then the rules the real API server adds on
 * top of it (names, labels, a Deployment's selector and restart policy, volume mounts, ports).
 *
 * @param {any} object
 * @returns {{ reason: string, message: string, field: string }[]}
 */
export function validateObject(object) {
  const Model = MODELS[object?.kind];
  if (!Model)
    return [{ reason: 'FieldValueNotSupported', message: `unsupported kind ${object?.kind}`, field: 'kind' }];
  const causes = [];
  const apiVersion = API_VERSIONS[object.kind] ?? 'v1';
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion)
    return [
      { reason: 'FieldValueNotSupported', message: `${object.kind} is ${apiVersion}`, field: 'apiVersion' },
    ];
  try {
    new Model(object).validate();
  } catch (error) {
    for (const issue of error.errors ?? [{ instancePath: '', message: error.message }]) {
      causes.push({
        reason: issue.keyword === 'required' ? 'FieldValueRequired' : 'FieldValueInvalid',
        message: `${issue.message}${issue.params?.missingProperty ? ` (${issue.params.missingProperty})` : ''}`,
        field: pointerToField(issue.instancePath),
      });
    }
  }
  if (causes.length > 0) return causes;
  causes.push(...metadataProblems(object));
  if (object.kind === 'Deployment') causes.push(...deploymentProblems(object));
  if (object.kind === 'Pod') causes.push(...podSpecProblems(object.spec, 'spec'));
  if (object.kind === 'Service') causes.push(...serviceProblems(object));
  return causes;
}

function pointerToField(pointer) {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

function metadataProblems(object) {
  const causes = [];
  const name = object.metadata?.name;
  const invalid = (field, message) => causes.push({ reason: 'FieldValueInvalid', message, field });
  if (!name && !object.metadata?.generateName)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'name or generateName is required',
      field: 'metadata.name',
    });
  // Services' names are DNS labels (they become DNS names); the others DNS subdomains.
  const nameRule = ['Service', 'Namespace'].includes(object.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
  const maxLength = nameRule === DNS_LABEL ? 63 : 253;
  if (name && (!nameRule.test(name) || name.length > maxLength))
    invalid(
      'metadata.name',
      `a lowercase RFC 1123 ${nameRule === DNS_LABEL ? 'label' : 'subdomain'} of at most ${maxLength} characters`,
    );
  for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
    if (!validLabelKey(key)) invalid(`metadata.labels`, `invalid label key ${JSON.stringify(key)}`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
      invalid(
        `metadata.labels`,
        `invalid label value ${JSON.stringify(value)}: at most 63 characters, [A-Za-z0-9._-], alphanumeric at both ends`,
      );
  }
  for (const key of Object.keys(object.metadata?.annotations ?? {})) {
    if (!validLabelKey(key)) invalid('metadata.annotations', `invalid annotation key ${JSON.stringify(key)}`);
  }
  const annotationBytes = JSON.stringify(object.metadata?.annotations ?? {}).length;
  if (annotationBytes > 256 * 1024) invalid('metadata.annotations', 'annotations may not exceed 256 KiB');
  return causes;
}

function validLabelKey(key) {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1) ?? '';
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return false;
  return parts.length === 1 || (parts[0].length <= 253 && DNS_SUBDOMAIN.test(parts[0]));
}

function deploymentProblems(object) {
  const causes = [];
  const selector = object.spec.selector?.matchLabels ?? {};
  const labels = object.spec.template?.metadata?.labels ?? {};
  if (Object.keys(selector).length === 0 && (object.spec.selector?.matchExpressions ?? []).length === 0)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'empty selector is invalid for deployment',
      field: 'spec.selector',
    });
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value)
      causes.push({
        reason: 'FieldValueInvalid',
        message: '`selector` does not match template `labels`',
        field: 'spec.template.metadata.labels',
      });
  }
  const policy = object.spec.template?.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always')
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${policy}": supported values: "Always"`,
      field: 'spec.template.spec.restartPolicy',
    });
  if (object.spec.replicas !== undefined && object.spec.replicas < 0)
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'must be greater than or equal to 0',
      field: 'spec.replicas',
    });
  causes.push(...podSpecProblems(object.spec.template?.spec, 'spec.template.spec'));
  return causes;
}

function podSpecProblems(spec, at) {
  const causes = [];
  if (!spec) return causes;
  const volumes = new Set((spec.volumes ?? []).map((volume) => volume.name));
  const names = new Set();
  for (const [index, container] of (spec.containers ?? []).entries()) {
    const field = `${at}.containers[${index}]`;
    if (!DNS_LABEL.test(container.name))
      causes.push({
        reason: 'FieldValueInvalid',
        message: 'a lowercase RFC 1123 label',
        field: `${field}.name`,
      });
    if (names.has(container.name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${container.name}"`,
        field: `${field}.name`,
      });
    names.add(container.name);
    for (const [mountIndex, mount] of (container.volumeMounts ?? []).entries()) {
      if (!volumes.has(mount.name))
        causes.push({
          reason: 'FieldValueNotFound',
          message: `Not found: "${mount.name}"`,
          field: `${field}.volumeMounts[${mountIndex}].name`,
        });
    }
    for (const [portIndex, port] of (container.ports ?? []).entries()) {
      if (port.containerPort < 1 || port.containerPort > 65535)
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'must be between 1 and 65535',
          field: `${field}.ports[${portIndex}].containerPort`,
        });
    }
    for (const [envIndex, variable] of (container.env ?? []).entries()) {
      if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(variable.name))
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'a valid environment variable name',
          field: `${field}.env[${envIndex}].name`,
        });
    }
    for (const [kind, limits] of Object.entries(container.resources?.limits ?? {})) {
      const request = container.resources?.requests?.[kind];
      if (kind === 'nvidia.com/gpu' && request !== undefined && String(request) !== String(limits))
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'must be equal to nvidia.com/gpu limit',
          field: `${field}.resources.requests[nvidia.com/gpu]`,
        });
    }
  }
  return causes;
}

function serviceProblems(object) {
  const causes = [];
  for (const [index, port] of (object.spec?.ports ?? []).entries()) {
    if (port.port < 1 || port.port > 65535)
      causes.push({
        reason: 'FieldValueInvalid',
        message: 'must be between 1 and 65535',
        field: `spec.ports[${index}].port`,
      });
  }
  if ((object.spec?.ports ?? []).length > 1 && object.spec.ports.some((port) => !port.name))
    causes.push({
      reason: 'FieldValueRequired',
      message: 'name is required when a service has several ports',
      field: 'spec.ports',
    });
  return causes;
}
