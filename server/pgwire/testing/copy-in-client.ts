import { serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { RawClient } from './raw-client.js';

/** How a raw COPY FROM STDIN ended: the messages after the query, up to ReadyForQuery. */
export interface CopyInOutcome {
  readonly messages: BackendMessage[];
  /** `COPY n`'s n, when it succeeded. */
  readonly rows?: number;
  readonly error?: { code: string; message: string; detail?: string };
}

/**
 * Drives `COPY … FROM STDIN` over the raw protocol, the way libpq and pg-copy-streams do:
 * CopyData messages of the given chunks, written with backpressure (the generator is pulled
 * only as fast as the socket drains), then CopyDone, or CopyFail when `fail` is set.
 */
export async function rawCopyIn(client: RawClient, sql: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: { fail?: string } = {}): Promise<CopyInOutcome> {
  const from = client.messages.length;
  client.send(serialize.query(sql));
  const started = await client.until('copyInResponse', from).catch(async () => client.until('readyForQuery', from));
  if (started.at(-1)?.name !== 'copyInResponse') return outcome(started);
  const socket = client.socket;
  for await (const chunk of chunks) {
    if (client.closed) break;
    if (!socket.write(serialize.copyData(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
  socket.write(options.fail === undefined ? serialize.copyDone() : serialize.copyFail(options.fail));
  return outcome(await client.until('readyForQuery', from, 600_000));
}

function outcome(messages: BackendMessage[]): CopyInOutcome {
  const done = messages.find((m) => m.name === 'commandComplete') as { text?: string } | undefined;
  const error = messages.find((m) => m.name === 'error') as { code?: string; message?: string; detail?: string } | undefined;
  return {
    messages,
    ...(done?.text?.startsWith('COPY ') === true ? { rows: Number(done.text.slice(5)) } : {}),
    ...(error === undefined ? {} : { error: { code: error.code ?? '', message: error.message ?? '', ...(error.detail === undefined ? {} : { detail: error.detail }) } }),
  };
}

/** `rows` generated COPY text rows, cut into chunks of about `chunkBytes` (a line, even a character, may straddle two chunks). */
export function* generatedChunks(rows: number, line: (i: number) => string, chunkBytes = 65536): Generator<Uint8Array> {
  let rest: Buffer = Buffer.alloc(0);
  let text = '';
  for (let i = 0; i < rows; i++) {
    text += line(i);
    if (text.length >= chunkBytes) {
      const bytes = Buffer.concat([rest, Buffer.from(text)]);
      const cut = chunkBytes - 7; // not on a line boundary: the server must carry the partial line
      yield bytes.subarray(0, cut);
      rest = bytes.subarray(cut);
      text = '';
    }
  }
  yield Buffer.concat([rest, Buffer.from(text)]);
}
