/** Fails the run when a benchmark did not do the work it claims (a fast wrong answer is no figure). */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`bench: ${message}`);
}
