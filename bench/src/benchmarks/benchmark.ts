/** Command-line options every benchmark receives (`pnpm bench <name> [--flag value]…`). */
export interface BenchmarkOptions {
  /** `--peer portkey`: also measure a peer gateway in the same run. */
  peer?: string;
  /** `--quick`: short runs, for a smoke test of the benchmark itself (numbers are not kept in the docs). */
  quick: boolean;
  /** Other `--name value` flags, as given. */
  flags: Record<string, string>;
}

/** One benchmark: measures, writes `docs/benchmarks/<name>.json`, prints and updates its table. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchmarkOptions): Promise<void>;
}
