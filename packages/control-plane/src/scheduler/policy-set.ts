import { snakeToCamel } from '@sage/protocol';
import { schedulingPolicies, schedulingPolicyNames } from './policies/registry.js';
import type { SchedulingPolicy, SchedulingPolicyFactory } from './policies/scheduling-policy.js';
import { UnknownPolicyError } from './scheduler-errors.js';
import type { SchedulingPolicyParameters } from './scheduler-types.js';

/**
 * The configured instances of the registered policies: one instance per name, built on first use
 * with that policy's parameters, so `setPolicy`, per-request overrides and the `adaptive`
 * composite all share the same configuration.
 */
export class PolicySet {
  readonly #factories: Readonly<Record<string, SchedulingPolicyFactory>>;
  readonly #parameters: SchedulingPolicyParameters;
  readonly #instances = new Map<string, SchedulingPolicy>();

  constructor(
    parameters: SchedulingPolicyParameters = {},
    factories: Readonly<Record<string, SchedulingPolicyFactory>> = schedulingPolicies,
  ) {
    this.#factories = factories;
    const byName: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parameters)) {
      const name = this.names.find((candidate) => candidate === key || snakeToCamel(candidate) === key);
      if (name === undefined) throw new UnknownPolicyError(key, this.names);
      byName[name] = value;
    }
    this.#parameters = byName;
    for (const name of Object.keys(byName)) this.get(name);
  }

  /** Registered names, in registry order. */
  get names(): readonly string[] {
    return this.#factories === schedulingPolicies ? schedulingPolicyNames : Object.keys(this.#factories);
  }

  /** The configured policy named `name`; throws {@link UnknownPolicyError} listing the names. */
  get(name: string): SchedulingPolicy {
    const existing = this.#instances.get(name);
    if (existing) return existing;
    const factory = Object.hasOwn(this.#factories, name) ? this.#factories[name] : undefined;
    if (!factory) throw new UnknownPolicyError(name, this.names);
    const policy = factory({ parameters: this.#parameters[name], policy: (other) => this.get(other) });
    this.#instances.set(name, policy);
    return policy;
  }
}
