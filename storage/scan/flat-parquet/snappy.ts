/**
 * hysnappy's WebAssembly snappy decoder, driven without its wrapper's last copy. hysnappy's
 * `snappyUncompressor()` copies each decompressed page out of the instance's memory into a new
 * array; the flat decoder copies every page into its column arrays anyway, so it reads the page
 * where the decoder wrote it (the group-by benchmark decompresses 160 MB of pages cold: the copy
 * and its fresh allocation cost ~15 ms of its ~260). hysnappy does not export its module: the
 * bytes are its source's `wasm64` constant, read from the installed package. Should that ever
 * fail (another hysnappy layout), `pageUncompressor` answers hysnappy's own wrapper.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snappyUncompressor } from 'hysnappy';

/** Decompresses `input` into `outputLength` bytes; the answer is valid until the next call. */
export type PageUncompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** Where hysnappy's wrapper places the input (past the memory clang's runtime uses); the output follows it. */
const INPUT_AT = 68_000;
const WASM_PAGE = 64 * 1024;

/** hysnappy's error codes (its uncompress.c). */
const ERRORS: Record<number, string> = { [-1]: 'invalid snappy length header', [-2]: 'missing eof marker', [-3]: 'premature end of input' };

let module: WebAssembly.Module | null | undefined;

/** A fresh decoder instance reading pages in place, or hysnappy's own wrapper. */
export function pageUncompressor(): PageUncompress {
  module ??= loadModule();
  if (module === null) return snappyUncompressor();
  const instance = new WebAssembly.Instance(module);
  const memory = instance.exports.memory as WebAssembly.Memory;
  const uncompress = instance.exports.uncompress as (input: number, inputLength: number, output: number) => number;
  return (input, outputLength) => {
    const outputAt = INPUT_AT + input.byteLength;
    const needed = outputAt + outputLength;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / WASM_PAGE));
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(input, INPUT_AT);
    const result = uncompress(INPUT_AT, input.byteLength, outputAt);
    if (result !== 0) throw new Error(ERRORS[result] ?? `failed to uncompress data ${result}`);
    return bytes.subarray(outputAt, needed);
  };
}

/** Whether pages are read in place (hysnappy's module found), for tests. */
export function readsInPlace(): boolean {
  module ??= loadModule();
  return module !== null;
}

function loadModule(): WebAssembly.Module | null {
  try {
    const source = readFileSync(join(dirname(fileURLToPath(import.meta.resolve('hysnappy'))), 'uncompress.js'), 'utf8');
    const base64 = /const wasm64 = '([A-Za-z0-9+/=]+)'/.exec(source)?.[1];
    if (base64 === undefined) return null;
    const wasm = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    const exports = WebAssembly.Module.exports(wasm).map((e) => e.name);
    return exports.includes('uncompress') && exports.includes('memory') ? wasm : null;
  } catch {
    return null;
  }
}
