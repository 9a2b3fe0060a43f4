import { textWriter } from '../../server/encode/index.js';
import { Session } from '../../server/session.js';
import { Warehouse } from '../../storage/warehouse.js';
import type { Engine, EngineResult } from './run.js';

/**
 * deltasql as an .slt engine: every statement goes through `server/session.ts`, the one place a
 * statement runs end to end (DESIGN.md §1), over one warehouse, and each value is rendered with
 * the server's own PostgreSQL text encoder (`server/encode/text-values.ts`), so the rows compared
 * are the rows psql would show.
 */
export class DeltasqlEngine implements Engine {
  readonly name = 'deltasql';
  readonly usesOracleSql = false;
  private readonly session: Session;

  constructor(warehouseDir: string) {
    this.session = new Session(new Warehouse(warehouseDir));
  }

  async run(sql: string): Promise<EngineResult> {
    const result = await this.session.execute(sql);
    const rows: (string | null)[][] = [];
    for await (const batch of result.batches) {
      const writers = batch.data.children.map((column) => textWriter(column));
      for (let i = 0; i < batch.numRows; i++) rows.push(writers.map((write) => write(i)));
    }
    return { width: result.schema.fields.length, rows };
  }
}
