/**
 * Which `extra_args` a start request may pass to an engine (docs/security.md). The control plane
 * builds every engine command line; a request adds flags only where the operator allowed them,
 * per backend, in `sage.yaml` (`engines.allowed_extra_args`). Pure: no I/O.
 */

/**
 * Flags no request may pass to any backend, even when allowed: they let a caller run code
 * (`--trust-remote-code`, vLLM's plugin and class flags), or pick files and directories on the
 * host to read or write (`--config`, `--download-dir`, `--chat-template`, TLS key files …). An
 * operator who needs one writes it into a custom backend's command in `sage.yaml`.
 */
export const DANGEROUS_FLAGS: readonly string[] = [
  '--trust-remote-code',
  '--config',
  '--middleware',
  '--worker-cls',
  '--worker-extension-cls',
  '--tool-parser-plugin',
  '--logits-processors',
  '--allowed-local-media-path',
  '--download-dir',
  '--models-dir',
  '--chat-template',
  '--ssl-keyfile',
  '--ssl-certfile',
  '--ssl-ca-certs',
];

/** What decides one backend's `extra_args`. */
export interface ExtraArgsRules {
  backend: string;
  /** Flags the control plane sets for this backend (its argv builder's). */
  owned: readonly string[];
  /** Flags the operator allows requests to pass (`engines.allowed_extra_args.<backend>`). */
  allowed: readonly string[];
}

/** A refused element: its index in `extra_args` and why. */
export interface ExtraArgsProblem {
  index: number;
  message: string;
}

const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/**
 * The flag an argument spells, normalised the way argument parsers read it: the name before
 * `=`, with `_` as `-` (vLLM accepts both); undefined when the argument is a value (it does not
 * start with `-`, or is a negative number).
 */
export function flagOf(arg: string): string | undefined {
  if (!arg.startsWith('-') || NEGATIVE_NUMBER.test(arg)) return undefined;
  const name = arg.split('=', 1)[0] ?? arg;
  const dashes = name.startsWith('--') ? 2 : 1;
  return name.slice(0, dashes) + name.slice(dashes).replaceAll('_', '-');
}

/** Flags of an argv template (a custom backend's command): every element that reads as a flag. */
export function flagsOfTemplate(command: readonly string[]): string[] {
  return command.slice(1).flatMap((part) => {
    const flag = flagOf(part);
    return flag === undefined || flag.includes('{') ? [] : [flag];
  });
}

const normalised = (flags: readonly string[]) => new Set(flags.map((flag) => flagOf(flag) ?? flag));

/** Python's argparse accepts any unambiguous prefix of a long flag (`--trust-remote` for `--trust-remote-code`). */
function abbreviates(candidate: string, flag: string): boolean {
  return (
    candidate.startsWith('--') && candidate.length > 2 && flag.startsWith(candidate) && flag !== candidate
  );
}

/**
 * Why `flag` cannot be in a backend's allow-list (a configuration error), or undefined. Owned and
 * dangerous flags cannot be allowed, nor a prefix that abbreviates one.
 */
export function allowedFlagProblem(flag: string, rules: Omit<ExtraArgsRules, 'allowed'>): string | undefined {
  const name = flagOf(flag);
  if (name === undefined || name !== flag.replaceAll('_', '-') || flag.includes('=')) {
    return `'${flag}' is not a flag name (write '--name', without a value)`;
  }
  const owned = [...normalised(rules.owned)];
  if (owned.includes(name)) return `'${flag}' is set by the control plane for backend '${rules.backend}'`;
  if (DANGEROUS_FLAGS.includes(name)) return `'${flag}' cannot be allowed from requests (docs/security.md)`;
  const shadowed = [...owned, ...DANGEROUS_FLAGS].find((other) => abbreviates(name, other));
  if (shadowed) return `'${flag}' abbreviates '${shadowed}', which requests may not pass`;
  return undefined;
}

/**
 * The first element of `extra_args` a request may not pass, or undefined when all are fine.
 * Elements are flags (`--name`, `--name=value`) each optionally followed by one value; a flag
 * must be in the allow-list and be neither owned by the control plane nor dangerous.
 *
 * @example
 * extraArgsProblem(['--host', '0.0.0.0'], { backend: 'sage', owned: ['--host'], allowed: [] });
 * // { index: 0, message: "'--host' is set by the control plane for backend 'sage'; …" }
 */
export function extraArgsProblem(
  args: readonly string[],
  rules: ExtraArgsRules,
): ExtraArgsProblem | undefined {
  const owned = normalised(rules.owned);
  const allowed = normalised(rules.allowed);
  let valueAllowed = false;
  for (const [index, arg] of args.entries()) {
    const flag = flagOf(arg);
    if (flag === undefined) {
      if (!valueAllowed) {
        return {
          index,
          message: `'${arg}' is not a flag or a flag's value: extra_args holds '--flag', '--flag value' or '--flag=value'`,
        };
      }
      valueAllowed = false;
      continue;
    }
    if (owned.has(flag) || [...owned].some((other) => abbreviates(flag, other))) {
      return {
        index,
        message: `'${flag}' is set by the control plane for backend '${rules.backend}'; a request cannot change it`,
      };
    }
    if (DANGEROUS_FLAGS.includes(flag) || DANGEROUS_FLAGS.some((other) => abbreviates(flag, other))) {
      return {
        index,
        message: `'${flag}' is refused: it would let a request run code or choose files on the host (docs/security.md)`,
      };
    }
    if (!allowed.has(flag)) {
      const list = allowed.size > 0 ? ` (allowed: ${[...allowed].join(', ')})` : '';
      return {
        index,
        message: `'${flag}' is not allowed for backend '${rules.backend}'${list}; an operator can allow it in sage.yaml under engines.allowed_extra_args.${rules.backend}`,
      };
    }
    valueAllowed = !arg.includes('=');
  }
  return undefined;
}
