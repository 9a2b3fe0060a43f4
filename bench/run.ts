import { availableParallelism, cpus, totalmem } from 'node:os';
import { elapsedMs, peakRssMiB } from './lib/measure.js';
import { mib } from './lib/report.js';
import { SECTIONS } from './sections/index.js';
import type { BenchSection } from './sections/section.js';

/**
 * `npm run bench [-- <section|group> … ] [--runs N] [--list]`: runs the selected sections (all
 * by default) in this one process and prints a table per section, our figures beside DuckDB's.
 */
const USAGE = `usage: npm run bench -- [section|group ...] [--runs N] [--list]`;

function parseArgs(argv: readonly string[]): { names: string[]; runs: number | undefined; list: boolean } {
  const names: string[] = [];
  let runs: number | undefined;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--list') list = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = Number(arg.includes('=') ? arg.slice('--runs='.length) : argv[++i]);
      if (!Number.isInteger(value) || value < 1) fail(`--runs needs a positive integer\n${USAGE}`);
      runs = value;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      list = true;
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}\n${USAGE}`);
    else names.push(arg);
  }
  return { names, runs, list };
}

function select(names: readonly string[]): BenchSection[] {
  if (names.length === 0) return [...SECTIONS];
  for (const name of names) {
    if (!SECTIONS.some((s) => s.name === name || s.group === name)) fail(`no section or group "${name}"; try --list`);
  }
  return SECTIONS.filter((s) => names.includes(s.name) || names.includes(s.group));
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
if (args.list) {
  for (const s of SECTIONS) console.log(`${s.name.padEnd(12)} ${s.group.padEnd(10)} ${s.description}`);
  process.exit(0);
}
const sections = select(args.names);
if (!(globalThis as { gc?: unknown }).gc) console.error('bench: run node with --expose-gc (npm run bench does) for GC between runs');

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `deltasql bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${cpu}, nproc ${availableParallelism()}, ${mib(totalmem() / 2 ** 20)} RAM`,
);
console.log(`sections: ${sections.map((s) => s.name).join(', ')}`);

const start = process.hrtime.bigint();
for (const section of sections) {
  const sectionStart = process.hrtime.bigint();
  await section.run({ runs: args.runs });
  console.log(`  (${section.name}: ${(elapsedMs(sectionStart) / 1000).toFixed(1)} s)`);
}
console.log(`\nbench done in ${(elapsedMs(start) / 1000).toFixed(1)} s; our peak RSS ${mib(peakRssMiB())} (process.resourceUsage().maxRSS)`);
