/**
 * Just enough PromQL reading to check that dashboards and alert rules only use series the
 * gateway exports: the metric names of an expression, the labels each selector matches on, the
 * labels of its `by (…)` / `without (…)` clauses, and the literal values of `label="value"`.
 */

/** Label names Prometheus adds at scrape time (never in the gateway's own output). */
const SCRAPE_LABELS = new Set(['job', 'instance']);

/** One `name{matchers}` of an expression. */
export interface Selector {
  metric: string;
  /** `label="value"` matchers with a literal value (no `$variable`), by label. */
  equals: Map<string, string>;
  /** Every label a matcher names. */
  labels: string[];
}

export interface ExpressionUse {
  selectors: Selector[];
  /** Labels of `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)`. */
  groupingLabels: string[];
}

const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'group',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'abs',
  'label_values',
  'time',
  'vector',
  'scalar',
  'absent',
  'le',
]);

/** What `expression` reads (Grafana's `$__rate_interval` and `$var` are left as they are). */
function readExpression(expression: string): ExpressionUse {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, (text) => text.replace(/[a-z_]/gi, 'x'));
  const selectors: Selector[] = [];
  const selector = /\b([a-zA-Z_][a-zA-Z0-9_]*)\s*(\{[^}]*\})?/g;
  for (const match of expression.matchAll(selector)) {
    const name = match[1] ?? '';
    const start = match.index ?? 0;
    // Skip words inside strings, function names (followed by '('), keywords, numbers like 1e-9.
    if (withoutStrings.slice(start, start + name.length) !== name) continue;
    if (PROMQL_WORDS.has(name) || /^\d/.test(name)) continue;
    const after = expression.slice(start + match[0].length).trimStart();
    if (match[2] === undefined && after.startsWith('(')) continue;
    if (expression[start - 1] === '$') continue;
    const matchers = [...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"/g)];
    selectors.push({
      metric: name,
      labels: matchers.map((m) => m[1] ?? ''),
      equals: new Map(
        matchers
          .filter((m) => m[2] === '=' && !(m[3] ?? '').includes('$'))
          .map((m) => [m[1] ?? '', m[3] ?? '']),
      ),
    });
  }
  const groupingLabels = [
    ...expression.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g),
  ].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
  // Selector names inside grouping clauses are labels, not metrics.
  const grouped = new Set(groupingLabels);
  return {
    selectors: selectors.filter((s) => !(grouped.has(s.metric) && s.labels.length === 0)),
    groupingLabels,
  };
}

/** The samples of a text exposition: family (histogram `_bucket/_sum/_count` folded) → label sets. */
export function exposedSeries(text: string): Map<string, Array<Map<string, string>>> {
  const families = new Map<string, Array<Map<string, string>>>();
  const histogramFamilies = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1] ?? ''));
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!match) continue;
    const labels = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const name = match[1] ?? '';
    const samples = families.get(name) ?? [];
    samples.push(labels);
    families.set(name, samples);
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (family !== name && histogramFamilies.has(family)) {
      const folded = families.get(family) ?? [];
      folded.push(labels);
      families.set(family, folded);
    }
  }
  return families;
}

/**
 * What `expression` uses that `exposed` lacks: unknown series, labels no sample of the series
 * has, `label="value"` values no sample has. `allowed`: series Prometheus makes itself (`up`).
 */
export function missingFrom(
  expression: string,
  exposed: Map<string, Array<Map<string, string>>>,
  allowed: ReadonlySet<string> = new Set(['up']),
): string[] {
  const problems: string[] = [];
  const { selectors, groupingLabels } = readExpression(expression);
  const used = selectors.filter((s) => !allowed.has(s.metric));
  for (const { metric, labels, equals } of used) {
    const samples = exposed.get(metric);
    if (!samples || samples.length === 0) {
      problems.push(`${metric}: no such series`);
      continue;
    }
    for (const label of labels) {
      if (SCRAPE_LABELS.has(label)) continue;
      if (!samples.some((sample) => sample.has(label))) problems.push(`${metric}: no label ${label}`);
    }
    for (const [label, value] of equals) {
      if (SCRAPE_LABELS.has(label)) continue;
      if (!samples.some((sample) => sample.get(label) === value))
        problems.push(`${metric}: no ${label}="${value}"`);
    }
  }
  for (const label of groupingLabels) {
    if (SCRAPE_LABELS.has(label) || label === 'le') continue;
    const onSome = used.some(({ metric }) => exposed.get(metric)?.some((sample) => sample.has(label)));
    if (used.length > 0 && !onSome)
      problems.push(`by (${label}): on none of ${used.map((s) => s.metric).join(', ')}`);
  }
  return problems;
}
