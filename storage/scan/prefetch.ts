/**
 * Yields the items of several async sources in order — all of source 0, then source 1, … —
 * while the next `depth - 1` sources have already started (their first item is being produced).
 * With one source per data file, decoding of the next files overlaps consumption of this one,
 * so every decoding worker has work; memory stays bounded by `depth` files' read-ahead.
 */
export async function* orderedPrefetch<T>(sources: readonly (() => AsyncGenerator<T>)[], depth: number): AsyncGenerator<T> {
  const started: { readonly generator: AsyncGenerator<T>; readonly first: Promise<IteratorResult<T>> }[] = [];
  let next = 0;
  const start = () => {
    const generator = (sources[next++] as () => AsyncGenerator<T>)();
    const first = generator.next();
    // Handled now, awaited later: an early failure must not become an unhandled rejection.
    first.catch(() => undefined);
    started.push({ generator, first });
  };
  try {
    for (;;) {
      // While one source is consumed, depth - 1 more are already under way.
      while (started.length < depth && next < sources.length) start();
      const current = started.shift();
      if (current === undefined) return;
      let result = await current.first;
      try {
        while (!result.done) {
          yield result.value;
          result = await current.generator.next();
        }
      } finally {
        await current.generator.return(undefined);
      }
    }
  } finally {
    // Stopped early (LIMIT, cancel, error): close the sources already started.
    await Promise.all(started.map((s) => s.first.then(() => s.generator.return(undefined), () => undefined)));
  }
}
