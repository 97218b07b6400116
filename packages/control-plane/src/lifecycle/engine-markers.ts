/**
 * The marker every engine process carries in its environment, so the control plane can
 * recognise it whatever its command line became (a pyenv shim, a console script, an `exec`
 * wrapper) and whatever the registry says: the engine id, a nonce unique to this launch, and
 * the state directory of the control plane that launched it. Environments are inherited, so
 * worker processes carry it too. `/proc/<pid>/environ` is readable only by the same user.
 */
export const ENGINE_MARKER_VARIABLES = {
  engineId: 'SAGE_ENGINE_ID',
  nonce: 'SAGE_ENGINE_NONCE',
  home: 'SAGE_ENGINE_HOME',
  /** What is needed to rebuild the engine's record when the registry is lost (base64url JSON). */
  spec: 'SAGE_ENGINE_SPEC',
} as const;

export interface EngineMarkers {
  engineId: string;
  nonce: string;
  home: string;
  /** Encoded {@link ENGINE_MARKER_VARIABLES.spec}; absent on engines launched without one. */
  spec?: string | undefined;
}

/** The variables to add to an engine's environment. */
export function markerEnv(markers: EngineMarkers): Record<string, string> {
  const env: Record<string, string> = {
    [ENGINE_MARKER_VARIABLES.engineId]: markers.engineId,
    [ENGINE_MARKER_VARIABLES.nonce]: markers.nonce,
    [ENGINE_MARKER_VARIABLES.home]: markers.home,
  };
  if (markers.spec !== undefined) env[ENGINE_MARKER_VARIABLES.spec] = markers.spec;
  return env;
}

/** The markers in a process environment, or null when it carries none (or an incomplete set). */
export function readMarkers(env: ReadonlyMap<string, string>): EngineMarkers | null {
  const engineId = env.get(ENGINE_MARKER_VARIABLES.engineId);
  const nonce = env.get(ENGINE_MARKER_VARIABLES.nonce);
  const home = env.get(ENGINE_MARKER_VARIABLES.home);
  if (!engineId || !nonce || !home) return null;
  return { engineId, nonce, home, spec: env.get(ENGINE_MARKER_VARIABLES.spec) };
}

/** A value as the spec marker (JSON in base64url: no quoting issues, nothing a shell would expand). */
export function encodeSpec(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The spec marker's value, or undefined when it is not valid base64url JSON. */
export function decodeSpec(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
