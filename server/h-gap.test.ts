import { it } from 'vitest';
import { Session } from './session.js';
import { Warehouse } from '../storage/warehouse.js';
const QUERIES = (process.env.QS ?? '').split(';;');
it('gaps', async () => {
  const s = new Session(new Warehouse('/work/polish/bench/data'));
  for (const q of QUERIES) {
    for (let run = 0; run < 2; run++) {
      let last = performance.now(); const gaps: number[] = [];
      const iv = setInterval(() => { const n = performance.now(); gaps.push(n - last); last = n; }, 5);
      const t = performance.now();
      const r = await s.execute(q);
      let rows = 0;
      for await (const b of r.batches) rows += b.numRows;
      clearInterval(iv);
      gaps.sort((a, b) => b - a);
      console.log(run, q.slice(0, 50), 'rows', rows, 'ms', Math.round(performance.now() - t), 'top gaps', gaps.slice(0, 3).map(Math.round));
    }
  }
}, 300000);
