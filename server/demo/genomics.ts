import type { RecordBatch } from 'apache-arrow';
import { int64, recordBatch, utf8, utf8Picks } from './columns.js';
import { LONG, STRING, field, type DemoDataset } from './dataset.js';
import { seeded } from './random.js';

/**
 * Job 2, genomic variant QC: each sequenced sample appends its annotated variants. Step 0 loads
 * `INITIAL_SAMPLES` samples; each later step is one more sample. Variants fall in a few
 * well-known genes, annotated the way SnpEff does (mutation type, protein HGVS such as
 * `p.Arg175His`, so an amino-acid substitution matrix can be computed from them).
 */
const INITIAL_SAMPLES = 20;
const VARIANTS_PER_SAMPLE = 400;
const GENES = [
  { name: 'TP53', contig: '17', start: 7_661_779 },
  { name: 'BRCA1', contig: '17', start: 43_044_295 },
  { name: 'BRCA2', contig: '13', start: 32_315_508 },
  { name: 'EGFR', contig: '7', start: 55_019_017 },
  { name: 'KRAS', contig: '12', start: 25_205_246 },
  { name: 'PIK3CA', contig: '3', start: 179_148_114 },
  { name: 'PTEN', contig: '10', start: 87_863_113 },
  { name: 'APC', contig: '5', start: 112_707_498 },
  { name: 'MYC', contig: '8', start: 127_735_434 },
  { name: 'CFTR', contig: '7', start: 117_287_120 },
] as const;
const BASES = ['A', 'C', 'G', 'T'] as const;
const AMINO_ACIDS = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val'] as const;
const MUTATION_TYPES = ['missense_variant', 'synonymous_variant', 'intron_variant', 'stop_gained', 'frameshift_variant', 'splice_region_variant'] as const;
const MUTATION_WEIGHTS = [35, 30, 20, 5, 5, 5];

const variants = {
  name: 'variants',
  description: 'Annotated variants per sequenced sample (job 2: genomic variant QC); one sample lands per demo tick',
  schema: {
    kind: 'struct' as const,
    fields: [
      field('sampleId', STRING),
      field('contigName', STRING),
      field('start', LONG),
      field('end', LONG),
      field('referenceAllele', STRING),
      field('alternateAllele', STRING),
      field('geneName', STRING),
      field('mutationType', STRING),
      field('proteinHgvs', STRING),
    ],
  },
};

export const genomics: DemoDataset = {
  name: 'genomics',
  tables: [variants],
  rows(step) {
    const first = step === 0 ? 0 : INITIAL_SAMPLES + step - 1;
    const count = step === 0 ? INITIAL_SAMPLES : 1;
    return new Map([['variants', variantRows(first, count)]]);
  },
};

function variantRows(firstSample: number, samples: number): RecordBatch {
  const n = samples * VARIANTS_PER_SAMPLE;
  const sampleIds: string[] = [];
  const gene = new Uint8Array(n);
  const start = new BigInt64Array(n);
  const end = new BigInt64Array(n);
  const ref: string[] = [];
  const alt: string[] = [];
  const type = new Uint8Array(n);
  const hgvs: (string | null)[] = [];
  let i = 0;
  for (let s = firstSample; s < firstSample + samples; s++) {
    const r = seeded('sample', s);
    const id = `HG${String(100 + s).padStart(5, '0')}`;
    for (let v = 0; v < VARIANTS_PER_SAMPLE; v++, i++) {
      const g = r.int(GENES.length);
      const t = r.weighted(MUTATION_WEIGHTS);
      const position = GENES[g].start + r.int(20_000);
      const refBase = BASES[r.int(4)] as string;
      const altBase = BASES[(BASES.indexOf(refBase as (typeof BASES)[number]) + 1 + r.int(3)) % 4] as string;
      const isIndel = MUTATION_TYPES[t] === 'frameshift_variant';
      sampleIds.push(id);
      gene[i] = g;
      type[i] = t;
      start[i] = BigInt(position);
      end[i] = BigInt(position + 1);
      ref.push(refBase);
      alt.push(isIndel ? refBase + BASES[r.int(4)] : altBase);
      hgvs.push(proteinChange(MUTATION_TYPES[t] as string, 1 + r.int(600), r.int(20), r.int(20)));
    }
  }
  return recordBatch(variants.schema, [
    utf8(sampleIds),
    utf8Picks(GENES.map((g) => g.contig), gene),
    int64(start),
    int64(end),
    utf8(ref),
    utf8(alt),
    utf8Picks(GENES.map((g) => g.name), gene),
    utf8Picks(MUTATION_TYPES, type),
    utf8(hgvs),
  ]);
}

/** HGVS protein notation for a coding change; NULL for a variant outside the coding sequence. */
function proteinChange(type: string, codon: number, from: number, to: number): string | null {
  const a = AMINO_ACIDS[from] as string;
  const b = AMINO_ACIDS[to === from ? (to + 1) % AMINO_ACIDS.length : to] as string;
  switch (type) {
    case 'missense_variant': return `p.${a}${codon}${b}`;
    case 'synonymous_variant': return `p.${a}${codon}${a}`;
    case 'stop_gained': return `p.${a}${codon}*`;
    case 'frameshift_variant': return `p.${a}${codon}fs`;
    default: return null;
  }
}
