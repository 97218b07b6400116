import { randomUUID } from 'node:crypto';

/** The resources the fake API server serves: plural → kind, group version, scope. */
export const RESOURCES = {
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1', namespaced: true },
  services: { kind: 'Service', apiVersion: 'v1', namespaced: true },
  pods: { kind: 'Pod', apiVersion: 'v1', namespaced: true },
  nodes: { kind: 'Node', apiVersion: 'v1', namespaced: false },
  namespaces: { kind: 'Namespace', apiVersion: 'v1', namespaced: false },
};

/** How many past events a watch can resume from (older resource versions answer 410 Gone). */
const EVENT_HISTORY = 2000;

export class StoreError extends Error {
  /** @param {number} code @param {string} reason @param {string} message @param {object} [details] */
  constructor(code, reason, message, details = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

/**
 * The fake API server's etcd: objects by resource, namespace and name, one resource version
 * counter for all of them, and a bounded history of watch events. Every write bumps the
 * object's `metadata.resourceVersion`, as the real server does, and notifies watchers.
 */
export class ObjectStore {
  #objects = new Map();
  #events = [];
  #watchers = new Set();
  #version = 1;

  get resourceVersion() {
    return String(this.#version);
  }

  #key(resource, namespace, name) {
    return `${resource}/${RESOURCES[resource].namespaced ? namespace : ''}/${name}`;
  }

  /** @returns {any} a deep copy of the stored object, or undefined */
  get(resource, namespace, name) {
    const object = this.#objects.get(this.#key(resource, namespace, name));
    return object === undefined ? undefined : structuredClone(object);
  }

  /** Objects of a resource (in a namespace, or all when `namespace` is undefined) matching `filter`. */
  list(resource, namespace, filter = () => true) {
    const items = [];
    for (const [key, object] of this.#objects) {
      if (!key.startsWith(`${resource}/`)) continue;
      if (
        namespace !== undefined &&
        RESOURCES[resource].namespaced &&
        object.metadata.namespace !== namespace
      )
        continue;
      if (filter(object)) items.push(structuredClone(object));
    }
    return items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  create(resource, namespace, object) {
    const { kind, apiVersion, namespaced } = RESOURCES[resource];
    const metadata = { ...object.metadata };
    if (!metadata.name && metadata.generateName)
      metadata.name = `${metadata.generateName}${randomUUID().replaceAll('-', '').slice(0, 5)}`;
    const key = this.#key(resource, namespace, metadata.name);
    if (this.#objects.has(key))
      throw new StoreError(409, 'AlreadyExists', `${resource} "${metadata.name}" already exists`, {
        name: metadata.name,
        kind: resource,
      });
    const stored = {
      ...object,
      apiVersion,
      kind,
      metadata: {
        ...metadata,
        ...(namespaced ? { namespace } : {}),
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        generation: 1,
      },
    };
    return this.#write(resource, 'ADDED', key, stored);
  }

  /** Replace an object (optimistic concurrency when the new one names a resource version). */
  update(resource, namespace, object, { bumpGeneration = false } = {}) {
    const key = this.#key(resource, namespace, object.metadata.name);
    const current = this.#objects.get(key);
    if (!current) throw notFound(resource, object.metadata.name);
    const expected = object.metadata.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion)
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: object.metadata.name, kind: resource },
      );
    const metadata = {
      ...object.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: (current.metadata.generation ?? 1) + (bumpGeneration ? 1 : 0),
      ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}),
    };
    return this.#write(resource, 'MODIFIED', key, { ...object, metadata });
  }

  /** Change an object in place with `change(copy)` (controllers and the kubelet writing status). */
  mutate(resource, namespace, name, change) {
    const current = this.get(resource, namespace, name);
    if (!current) return undefined;
    const before = JSON.stringify(current);
    change(current);
    if (JSON.stringify(current) === before) return current;
    delete current.metadata.resourceVersion;
    return this.update(resource, namespace, current);
  }

  delete(resource, namespace, name) {
    const key = this.#key(resource, namespace, name);
    const current = this.#objects.get(key);
    if (!current) throw notFound(resource, name);
    this.#objects.delete(key);
    this.#version += 1;
    const deleted = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.#version) } };
    this.#emit(resource, 'DELETED', deleted);
    return structuredClone(deleted);
  }

  #write(resource, type, key, object) {
    this.#version += 1;
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.#version) } };
    this.#objects.set(key, stored);
    this.#emit(resource, type, stored);
    return structuredClone(stored);
  }

  #emit(resource, type, object) {
    const event = { resource, type, object: structuredClone(object), version: this.#version };
    this.#events.push(event);
    if (this.#events.length > EVENT_HISTORY) this.#events.shift();
    for (const watcher of [...this.#watchers]) watcher(event);
  }

  /**
   * Call `listener(event)` for every event after resource version `since` (replayed from the
   * history first), then for every new one. Returns the function that stops it. Throws 410 Gone
   * when `since` is older than the history.
   */
  watch(since, listener) {
    const from = Number(since);
    const oldest = this.#events[0]?.version ?? this.#version + 1;
    if (
      since !== undefined &&
      since !== '' &&
      from !== 0 &&
      from < oldest - 1 &&
      this.#events.length >= EVENT_HISTORY
    )
      throw new StoreError(410, 'Expired', `too old resource version: ${since} (${oldest})`);
    if (since !== undefined && since !== '' && from !== 0)
      for (const event of this.#events) if (event.version > from) listener(event);
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /** Every change from now on (controllers, the kubelet). */
  subscribe(listener) {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }
}

export function notFound(resource, name) {
  return new StoreError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
}
