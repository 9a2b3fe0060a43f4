import type { ServerResponse } from 'node:http';

/** The body generator failed in a way that must end the transfer abnormally (see result-body.ts). */
export class CutTransfer extends Error {}

/**
 * Writes an async generator's chunks to a response with backpressure, the way DESIGN.md §3 asks
 * ("stream results from async generators, never buffer a whole result"): the next chunk is pulled
 * only after `write()` has room again (`'drain'`), so the server is at most about one batch ahead
 * of the slowest reader. Done by hand rather than `Readable.from(…).pipe(res)` because a failed
 * CSV or Arrow body must flush its last bytes and then cut the connection without the chunked
 * terminator, which a piped stream's `destroy()` cannot do: it drops what it still buffers.
 *
 * Resolves once the response ended, was cut, or the client went away (then the generator is
 * returned, which runs its `finally` blocks and stops the statement's plan). Never rejects.
 */
export async function sendStream(res: ServerResponse, body: AsyncGenerator<string | Uint8Array>): Promise<void> {
  try {
    for await (const chunk of body) {
      if (res.destroyed) return; // leaving the loop returns the generator
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  } catch (err) {
    // Everything written so far goes out, then FIN: the client sees a body that stops mid-chunk.
    if (err instanceof CutTransfer) res.socket?.end();
    // Anything else is a bug past the status line: nothing can be said any more but "incomplete".
    else res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
