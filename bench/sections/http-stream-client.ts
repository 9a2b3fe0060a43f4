import * as arrow from 'apache-arrow';
import http from 'node:http';
import { childMain } from '../lib/child.js';

/**
 * The HTTP client of the http-stream section, in its own process (`runChild`) so that reading
 * and counting never take the server's thread: POSTs the query, reads the body to its end,
 * counts rows (newlines for NDJSON; Arrow's own stream reader for IPC), and times each run.
 */
export interface ClientJob {
  readonly port: number;
  readonly sql: string;
  readonly format: 'ndjson' | 'arrow';
  readonly runs: number;
}

export interface ClientRun {
  readonly ms: number;
  readonly rows: number;
  readonly bytes: number;
}

const ACCEPT = { ndjson: 'application/x-ndjson', arrow: 'application/vnd.apache.arrow.stream' } as const;

function post(job: ClientJob): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: job.port, path: '/v1/query', method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT[job.format] } },
      (response) => (response.statusCode === 200 ? resolve(response) : reject(new Error(`HTTP ${response.statusCode}`))),
    );
    request.on('error', reject);
    request.end(JSON.stringify({ sql: job.sql }));
  });
}

async function once(job: ClientJob): Promise<ClientRun> {
  const start = process.hrtime.bigint();
  const response = await post(job);
  let bytes = 0;
  let rows = 0;
  if (job.format === 'ndjson') {
    for await (const chunk of response) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) rows++;
    }
  } else {
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of response) {
        bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    for await (const batch of await arrow.RecordBatchReader.from(counted())) rows += batch.numRows;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows, bytes };
}

await childMain<ClientJob, ClientRun[]>(async (job) => {
  const runs: ClientRun[] = [];
  for (let i = 0; i < job.runs; i++) runs.push(await once(job));
  return runs;
});
