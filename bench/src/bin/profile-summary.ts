/**
 * `tsx src/bin/profile-summary.ts <file.cpuprofile> [top]`: self time and inclusive time per
 * function (and per package), from a V8 CPU profile.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArgument ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => {
  const url = node.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
  return `${node.callFrame.functionName || '(anonymous)'} ${url.replace(/^\/work\/main\//, '')}:${node.callFrame.lineNumber + 1}`;
};
const packageOf = (node: ProfileNode) => {
  const url = node.callFrame.url;
  const match = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1] as string;
  if (url.includes('/packages/')) return `@sage/${/\/packages\/([^/]+)/.exec(url)?.[1]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url === '' ? `(${node.callFrame.functionName || 'program'})` : 'other';
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const packages = new Map<string, number>();
let total = 0;
profile.samples.forEach((sample, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  total += delta;
  const node = byId.get(sample);
  if (!node) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + delta);
  packages.set(packageOf(node), (packages.get(packageOf(node)) ?? 0) + delta);
  const seen = new Set<string>();
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
    const current = byId.get(id);
    if (!current) break;
    const name = label(current);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
  }
});
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
print('self time by package', packages);
print('self time by function', self);
print('inclusive time by function', inclusive);
