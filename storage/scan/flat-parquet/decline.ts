/**
 * Raised when a column, chunk or page is outside what the flat decoder covers (README.md): the
 * read then falls back to parquet-wasm. Never surfaces to a user.
 */
export class Declined extends Error {
  constructor(readonly reason: string) {
    super(`flat Parquet decoder declined: ${reason}`);
  }
}
