/** A grouped bar chart as SVG text (no dependencies; converted to PNG by `svg-to-png.ts`). */
export interface BarChartOptions {
  title: string;
  yLabel: string;
  series: ReadonlyArray<{ name: string; color: string }>;
  /** One group per x position; `values[i]` belongs to `series[i]` (undefined = no bar). */
  groups: ReadonlyArray<{ label: string; values: ReadonlyArray<number | undefined> }>;
  width?: number;
  height?: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" axis maximum: 1, 2 or 5 × 10^n at or above `value`. */
function niceMaximum(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 960;
  const height = options.height ?? 480;
  const margin = { top: 56, right: 24, bottom: 72, left: 72 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const values = options.groups.flatMap((group) => group.values.filter((value) => value !== undefined));
  const maximum = niceMaximum(Math.max(0, ...(values as number[])));
  const y = (value: number) => margin.top + plotHeight - (Math.max(0, value) / maximum) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" font-size="18" text-anchor="middle" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick += 1) {
    const value = (maximum * tick) / 5;
    const ty = y(value);
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${ty}" y2="${ty}" stroke="#e0e0e0"/>`,
      `<text x="${margin.left - 8}" y="${ty + 4}" font-size="12" text-anchor="end">${Number(value.toPrecision(3))}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" font-size="13" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.groups.forEach((group, groupIndex) => {
    const left = margin.left + groupIndex * groupWidth + groupWidth * 0.1;
    group.values.forEach((value, seriesIndex) => {
      if (value === undefined || !Number.isFinite(value)) return;
      const x = left + seriesIndex * barWidth;
      const top = y(value);
      const color = options.series[seriesIndex]?.color ?? '#888888';
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(margin.top + plotHeight - top).toFixed(1)}" fill="${color}"/>`,
      );
    });
    parts.push(
      `<text x="${(left + groupWidth * 0.4).toFixed(1)}" y="${margin.top + plotHeight + 18}" font-size="12" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#333333"/>`,
  );
  const legendStep = Math.min(190, (width - margin.left - margin.right) / Math.max(1, options.series.length));
  options.series.forEach((series, index) => {
    const x = margin.left + index * legendStep;
    const ly = height - 22;
    parts.push(
      `<rect x="${x}" y="${ly - 11}" width="14" height="14" fill="${series.color}"/>`,
      `<text x="${x + 20}" y="${ly}" font-size="13">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
