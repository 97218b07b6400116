import { createServer } from 'node:http';
import { notFound, RESOURCES, StoreError } from './object-store.js';
import { matchesFields, matchesLabels } from './selectors.js';
import { validateObject } from './validation.js';

const ROUTES = [
  // /api/v1/namespaces/{ns}/pods/{name}/log
  /^\/api\/v1\/namespaces\/(?<namespace>[^/]+)\/(?<resource>pods|services)(?:\/(?<name>[^/]+)(?:\/(?<sub>log|status))?)?$/,
  /^\/apis\/apps\/v1\/namespaces\/(?<namespace>[^/]+)\/(?<resource>deployments)(?:\/(?<name>[^/]+)(?:\/(?<sub>status))?)?$/,
  /^\/api\/v1\/(?<resource>nodes|namespaces|pods|services)(?:\/(?<name>[^/]+)(?:\/(?<sub>status))?)?$/,
  /^\/apis\/apps\/v1\/(?<resource>deployments)$/,
];

/** A Kubernetes `Status` answer. */
function statusBody(code, reason, message, details) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/**
 * The HTTP half of the fake API server: the REST paths of Deployments (apps/v1), Services,
 * Pods (with `/log` and `/status`), Nodes and Namespaces, with get, list (label and field
 * selectors), watch (`?watch=true`, resumable from a resource version), create, replace,
 * patch (JSON patch, merge patch) and delete. Every object it receives is checked against the
 * official schemas (422 Invalid with causes); missing objects answer 404 NotFound, duplicates
 * 409 AlreadyExists, a bearer token other than the configured one 401. `hooks.create` applies
 * the defaults the real server adds (cluster IPs, a Deployment's replicas); `rbac` (Role and
 * ClusterRole objects) answers 403 Forbidden to every request their rules do not allow; `hooks.logs`
 * serves pod logs (the kubelet); `hooks.deletePod` lets the kubelet end a pod gracefully.
 */
export function createApiServer({ store, token, hooks, rbac }) {
  const watches = new Set();
  const requests = [];
  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      if (!response.headersSent)
        send(response, 500, statusBody(500, 'InternalError', String(error?.stack ?? error)));
      else response.destroy();
    });
  });

  async function handle(request, response) {
    const url = new URL(request.url ?? '/', 'http://kubernetes.invalid');
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    });
    if (token !== undefined && request.headers.authorization !== `Bearer ${token}`)
      return send(response, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    if (url.pathname === '/version')
      return send(response, 200, {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-fake',
        platform: 'linux/amd64',
      });
    if (url.pathname === '/healthz' || url.pathname === '/readyz') return sendText(response, 200, 'ok');
    const route = ROUTES.map((pattern) => pattern.exec(url.pathname)).find(Boolean)?.groups;
    if (!route)
      return send(
        response,
        404,
        statusBody(404, 'NotFound', 'the server could not find the requested resource'),
      );
    const { resource, namespace, name, sub } = route;
    const verb = verbOf(request.method, name, url.searchParams);
    if (rbac && !allowed(rbac, { verb, resource, sub, namespace })) {
      const group = RESOURCES[resource].apiVersion.includes('/')
        ? RESOURCES[resource].apiVersion.split('/')[0]
        : '';
      const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
      return send(
        response,
        403,
        statusBody(
          403,
          'Forbidden',
          `${resource}${sub ? `/${sub}` : ''}${name ? ` "${name}"` : ''} is forbidden: User "fake-user" cannot ${verb} resource "${resource}${sub ? `/${sub}` : ''}" in API group "${group}"${where}`,
          { kind: resource, ...(name ? { name } : {}) },
        ),
      );
    }
    const body = await readBody(request);
    try {
      if (sub === 'log') return await servePodLog(response, namespace, name, url.searchParams);
      switch (request.method) {
        case 'GET':
          if (name) return send(response, 200, mustGet(resource, namespace, name));
          if (isWatch(url.searchParams))
            return serveWatch(request, response, resource, namespace, url.searchParams);
          return send(response, 200, list(resource, namespace, url.searchParams));
        case 'POST':
          if (name) return send(response, 405, statusBody(405, 'MethodNotAllowed', 'POST on a named object'));
          return send(response, 201, create(resource, namespace, parseJson(body)));
        case 'PUT':
          return send(response, 200, replace(resource, namespace, name, parseJson(body), sub === 'status'));
        case 'PATCH':
          return send(
            response,
            200,
            patch(resource, namespace, name, body, request.headers['content-type'], sub),
          );
        case 'DELETE':
          return send(
            response,
            200,
            remove(resource, namespace, name, body ? parseJson(body) : {}, url.searchParams),
          );
        default:
          return send(response, 405, statusBody(405, 'MethodNotAllowed', `${request.method} is not allowed`));
      }
    } catch (error) {
      if (error instanceof StoreError)
        return send(response, error.code, statusBody(error.code, error.reason, error.message, error.details));
      throw error;
    }
  }

  function mustGet(resource, namespace, name) {
    const object = store.get(resource, namespace, name);
    if (!object) throw notFound(resource, name);
    return object;
  }

  function list(resource, namespace, params) {
    const labelSelector = params.get('labelSelector') ?? '';
    const fieldSelector = params.get('fieldSelector') ?? '';
    const items = store.list(
      resource,
      namespace,
      (object) => matchesLabels(object, labelSelector) && matchesFields(object, fieldSelector),
    );
    const { kind, apiVersion } = RESOURCES[resource];
    return { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: store.resourceVersion }, items };
  }

  function serveWatch(request, response, resource, namespace, params) {
    const labelSelector = params.get('labelSelector') ?? '';
    const fieldSelector = params.get('fieldSelector') ?? '';
    const wanted = (event) =>
      event.resource === resource &&
      (namespace === undefined ||
        !RESOURCES[resource].namespaced ||
        event.object.metadata.namespace === namespace) &&
      matchesLabels(event.object, labelSelector) &&
      matchesFields(event.object, fieldSelector);
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    const write = (event) => {
      if (wanted(event)) response.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
    };
    const since = params.get('resourceVersion') ?? '';
    // Without a resource version (or "0") a watch starts with the current state as ADDED events.
    if (since === '' || since === '0')
      for (const object of store.list(resource, namespace)) write({ resource, type: 'ADDED', object });
    let stop;
    try {
      stop = store.watch(since, write);
    } catch (error) {
      response.end(
        `${JSON.stringify({ type: 'ERROR', object: statusBody(error.code, error.reason, error.message) })}\n`,
      );
      return;
    }
    const end = () => {
      stop();
      watches.delete(end);
      clearTimeout(timer);
      if (!response.writableEnded) response.end();
    };
    const timeoutSeconds = Number(params.get('timeoutSeconds') ?? 0);
    const timer = timeoutSeconds > 0 ? setTimeout(end, timeoutSeconds * 1000) : undefined;
    watches.add(end);
    request.on('close', end);
  }

  function create(resource, namespace, object) {
    checkEnvelope(resource, namespace, object);
    const defaulted = hooks.create?.(resource, structuredClone(object)) ?? object;
    rejectInvalid(resource, defaulted);
    return store.create(resource, namespace, defaulted);
  }

  function replace(resource, namespace, name, object, statusOnly) {
    checkEnvelope(resource, namespace, object);
    if (object.metadata?.name !== name)
      throw new StoreError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    const current = mustGet(resource, namespace, name);
    const next = statusOnly
      ? {
          ...current,
          status: object.status,
          metadata: { ...current.metadata, resourceVersion: object.metadata.resourceVersion },
        }
      : { ...object, status: current.status };
    rejectInvalid(resource, next);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(current.spec);
    return store.update(resource, namespace, next, { bumpGeneration: specChanged });
  }

  function patch(resource, namespace, name, body, contentType = '', sub) {
    const current = mustGet(resource, namespace, name);
    const operations = parseJson(body);
    let next;
    if (contentType.startsWith('application/json-patch+json')) next = applyJsonPatch(current, operations);
    else if (
      contentType.startsWith('application/merge-patch+json') ||
      contentType.startsWith('application/strategic-merge-patch+json')
    )
      next = mergePatch(current, operations);
    else
      throw new StoreError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format: ${contentType}`,
      );
    if (sub === 'status') next = { ...current, status: next.status };
    else next.status = current.status;
    rejectInvalid(resource, next);
    delete next.metadata.resourceVersion;
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(current.spec);
    return store.update(resource, namespace, next, { bumpGeneration: specChanged });
  }

  function remove(resource, namespace, name, options, params) {
    const current = mustGet(resource, namespace, name);
    const gracePeriod =
      options.gracePeriodSeconds ??
      (params.has('gracePeriodSeconds') ? Number(params.get('gracePeriodSeconds')) : undefined);
    if (resource === 'pods' && hooks.deletePod) return hooks.deletePod(current, gracePeriod);
    const propagationPolicy = options.propagationPolicy ?? params.get('propagationPolicy') ?? 'Background';
    const deleted = store.delete(resource, namespace, name);
    hooks.deleted?.(resource, deleted, propagationPolicy);
    return statusBody(200, undefined, undefined, { name, kind: resource, uid: deleted.metadata.uid });
  }

  function rejectInvalid(resource, object) {
    const causes = validateObject(object);
    if (causes.length === 0) return;
    const { kind } = RESOURCES[resource];
    const group = RESOURCES[resource].apiVersion.includes('/')
      ? RESOURCES[resource].apiVersion.split('/')[0]
      : '';
    throw new StoreError(
      422,
      'Invalid',
      `${kind} "${object.metadata?.name ?? ''}" is invalid: ${causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ')}`,
      { name: object.metadata?.name, group, kind, causes },
    );
  }

  function checkEnvelope(resource, namespace, object) {
    const { kind, apiVersion, namespaced } = RESOURCES[resource];
    if (typeof object !== 'object' || object === null || Array.isArray(object))
      throw new StoreError(400, 'BadRequest', 'the body is not a JSON object');
    if (
      (object.kind !== undefined && object.kind !== kind) ||
      (object.apiVersion !== undefined && object.apiVersion !== apiVersion)
    )
      throw new StoreError(
        400,
        'BadRequest',
        `the API version in the data (${object.apiVersion}) or kind (${object.kind}) does not match the expected ${apiVersion} ${kind}`,
      );
    if (namespaced && object.metadata?.namespace !== undefined && object.metadata.namespace !== namespace)
      throw new StoreError(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    if (namespaced && !store.get('namespaces', undefined, namespace))
      throw new StoreError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
  }

  async function servePodLog(response, namespace, name, params) {
    const pod = mustGet('pods', namespace, name);
    const answer = hooks.logs
      ? hooks.logs(pod, {
          container: params.get('container') ?? undefined,
          previous: params.get('previous') === 'true',
          follow: params.get('follow') === 'true',
          tailLines: params.has('tailLines') ? Number(params.get('tailLines')) : undefined,
        })
      : { error: 'no kubelet serves this pod' };
    if (answer.error) return send(response, 400, statusBody(400, 'BadRequest', answer.error));
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write(answer.text);
    if (!answer.follow) return response.end();
    const stop = answer.follow(
      (chunk) => response.write(chunk),
      () => response.end(),
    );
    response.on('close', stop);
  }

  return {
    server,
    requests,
    closeWatches() {
      for (const end of [...watches]) end();
    },
  };
}

/** The RBAC verb of a request (get, list, watch, create, update, patch, delete). */
function verbOf(method, name, params) {
  if (method === 'GET') return name ? 'get' : isWatch(params) ? 'watch' : 'list';
  return (
    { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[method] ??
    method
  );
}

/** Whether a Role (in its namespace) or a ClusterRole allows the request. */
function allowed(roles, { verb, resource, sub, namespace }) {
  const group = RESOURCES[resource].apiVersion.includes('/')
    ? RESOURCES[resource].apiVersion.split('/')[0]
    : '';
  const target = sub ? `${resource}/${sub}` : resource;
  return roles.some(
    (role) =>
      (role.kind === 'ClusterRole' || (namespace !== undefined && role.metadata?.namespace === namespace)) &&
      (role.rules ?? []).some(
        (rule) =>
          (rule.apiGroups ?? []).some((entry) => entry === '*' || entry === group) &&
          (rule.resources ?? []).some((entry) => entry === '*' || entry === target) &&
          (rule.verbs ?? []).some((entry) => entry === '*' || entry === verb),
      ),
  );
}

function isWatch(params) {
  const value = params.get('watch');
  return value === 'true' || value === '1';
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StoreError(400, 'BadRequest', `the body is not JSON: ${error.message}`);
  }
}

function send(response, code, body) {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendText(response, code, text) {
  response.writeHead(code, { 'content-type': 'text/plain' });
  response.end(text);
}

function mergePatch(target, patch) {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function applyJsonPatch(target, operations) {
  if (!Array.isArray(operations))
    throw new StoreError(400, 'BadRequest', 'a JSON patch is an array of operations');
  const document = structuredClone(target);
  for (const operation of operations) {
    const parts = String(operation.path)
      .split('/')
      .slice(1)
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = parts.pop();
    let parent = document;
    for (const part of parts) {
      if (parent[part] === undefined) {
        if (operation.op === 'add') parent[part] = {};
        else throw new StoreError(422, 'Invalid', `the JSON patch path ${operation.path} does not exist`);
      }
      parent = parent[part];
    }
    if (operation.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (operation.op === 'add' || operation.op === 'replace') {
      if (Array.isArray(parent) && last === '-') parent.push(operation.value);
      else if (Array.isArray(parent) && operation.op === 'add')
        parent.splice(Number(last), 0, operation.value);
      else parent[last] = operation.value;
    } else if (operation.op !== 'test') {
      throw new StoreError(400, 'BadRequest', `unsupported JSON patch operation ${operation.op}`);
    }
  }
  return document;
}
