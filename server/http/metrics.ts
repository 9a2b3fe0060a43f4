/**
 * The counters behind `GET /metrics`, rendered in the Prometheus text exposition format
 * (version 0.0.4). Hand-written rather than `prom-client`: six series do not need a dependency.
 *
 * - `deltasql_queries_total{format}`: statements run over HTTP;
 * - `deltasql_query_errors_total{class}`: failed ones, by SQLSTATE class (`42`, `22`, `57`…);
 * - `deltasql_query_duration_seconds`: latency histogram, first byte to last byte sent;
 * - `deltasql_result_rows_total`: rows handed to the encoders (pulled from the engine);
 * - `deltasql_scan_bytes_total`: Arrow bytes the table scans produced for these queries;
 * - `deltasql_active_queries`: statements running now;
 * - `deltasql_column_cache_{hits,misses}_total`: the warehouse's decoded-column cache, when known.
 */
export class HttpMetrics {
  private readonly queries = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  private readonly bucketCounts = new Array<number>(this.buckets.length).fill(0);
  private durationSum = 0;
  private durationCount = 0;
  resultRows = 0;
  scanBytes = 0;
  activeQueries = 0;

  constructor(private readonly cacheStats?: () => { hits: number; misses: number } | undefined) {}

  queryStarted(format: string): void {
    this.queries.set(format, (this.queries.get(format) ?? 0) + 1);
    this.activeQueries++;
  }

  /** One statement ended: `sqlstate` when it failed (including `57014` when the client left). */
  queryEnded(seconds: number, sqlstate: string | undefined): void {
    this.activeQueries--;
    this.durationSum += seconds;
    this.durationCount++;
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) this.bucketCounts[i]!++;
    if (sqlstate !== undefined) {
      const klass = sqlstate.slice(0, 2);
      this.errors.set(klass, (this.errors.get(klass) ?? 0) + 1);
    }
  }

  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('deltasql_queries_total', 'counter', 'Statements run over HTTP, by result format.');
    for (const [format, n] of this.queries) lines.push(`deltasql_queries_total{format="${format}"} ${n}`);
    family('deltasql_query_errors_total', 'counter', 'Failed statements, by SQLSTATE class.');
    for (const [klass, n] of this.errors) lines.push(`deltasql_query_errors_total{class="${klass}"} ${n}`);
    family('deltasql_query_duration_seconds', 'histogram', 'Statement latency, from the request to the last byte sent.');
    this.buckets.forEach((le, i) => lines.push(`deltasql_query_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`));
    lines.push(`deltasql_query_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`);
    lines.push(`deltasql_query_duration_seconds_sum ${this.durationSum}`, `deltasql_query_duration_seconds_count ${this.durationCount}`);
    family('deltasql_result_rows_total', 'counter', 'Result rows pulled from the engine for HTTP clients.');
    lines.push(`deltasql_result_rows_total ${this.resultRows}`);
    family('deltasql_scan_bytes_total', 'counter', 'Bytes of Arrow data read from Delta tables by HTTP queries.');
    lines.push(`deltasql_scan_bytes_total ${this.scanBytes}`);
    family('deltasql_active_queries', 'gauge', 'Statements running now.');
    lines.push(`deltasql_active_queries ${this.activeQueries}`);
    const cache = this.cacheStats?.();
    if (cache) {
      family('deltasql_column_cache_hits_total', 'counter', 'Decoded-column cache hits (files not decoded again).');
      lines.push(`deltasql_column_cache_hits_total ${cache.hits}`);
      family('deltasql_column_cache_misses_total', 'counter', 'Decoded-column cache misses.');
      lines.push(`deltasql_column_cache_misses_total ${cache.misses}`);
    }
    return lines.join('\n') + '\n';
  }
}
