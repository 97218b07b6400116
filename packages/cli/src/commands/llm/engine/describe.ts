import type { EngineInfoWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { EngineIdArgument, parseFlag } from '../../../input/flags.js';
import { formatDevice, formatGb, formatLastExit, formatUptime, orDash } from '../../../output/format.js';
import { type Output, renderFields } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** The human form of one engine: every field, then its command, environment and last error. */
function renderEngine(engine: EngineInfoWire): string {
  const fields = renderFields([
    ['id', engine.engine_id],
    ['model', engine.model_id],
    ['label', orDash(engine.engine_label)],
    ['kind', engine.engine_kind],
    ['backend', engine.backend],
    ['state', engine.status],
    ['address', `${engine.host}:${engine.port}`],
    ['device', `${engine.device} (${formatDevice(engine)})`],
    ['pid', orDash(engine.pid)],
    ['created', engine.created_at],
    ['uptime', engine.status === 'RUNNING' ? formatUptime(engine.uptime_seconds) : '-'],
    ['restarts', String(engine.restart_count)],
    ['last exit', formatLastExit(engine)],
    ['reserved memory', `${formatGb(engine.reserved_memory_gb)} GB`],
    ['max concurrent', String(engine.max_concurrent_requests)],
    ['log', orDash(engine.log_path)],
  ]);
  const sections = [fields];
  sections.push(`command:\n  ${engine.command.length === 0 ? '-' : engine.command.join(' ')}`);
  const env = Object.entries(engine.env);
  if (env.length > 0)
    sections.push(`environment:\n${env.map(([key, value]) => `  ${key}=${value}`).join('\n')}`);
  const metadata = Object.entries(engine.metadata ?? {});
  if (metadata.length > 0) {
    sections.push(
      `metadata:\n${metadata.map(([key, value]) => `  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join('\n')}`,
    );
  }
  if (engine.last_error) sections.push(`last error:\n  ${engine.last_error.split('\n').join('\n  ')}`);
  return sections.join('\n\n');
}

/** `sage llm engine describe ID`: one engine in full (`-o json|yaml`: the REST body). */
export async function describeEngine(
  client: ManagementClient,
  output: Output,
  engineId: string,
): Promise<EngineInfoWire> {
  const engine = await client.getEngine(engineId);
  output.result(engine, () => renderEngine(engine));
  return engine;
}

export function registerEngineDescribe(parent: Command, context: CliContext): void {
  const command = parent
    .command('describe')
    .alias('show')
    .description('show one engine in full: address, process, command, environment, last error')
    .argument('<id>', 'engine id (see `sage llm engine list`)');
  withJson(withApiBase(command)).action(async (id: string, flags: GatewayFlags) => {
    const engineId = parseFlag('ID', EngineIdArgument, id);
    await withClient(context, flags, (client) => describeEngine(client, outputFor(context, flags), engineId));
  });
}
