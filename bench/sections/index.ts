import { bulkLoadSection } from './bulk-load.js';
import { httpStreamSection } from './http-stream.js';
import { logOpenSection } from './log-open.js';
import { pgwireLoadSection } from './pgwire-load.js';
import { queriesSection } from './queries.js';
import { scanSection } from './scan.js';
import type { BenchSection } from './section.js';
import { spillSection } from './spill.js';
import { writeSection } from './write.js';

/** Every section, in the order a full run prints them. Add new sections here. */
export const SECTIONS: readonly BenchSection[] = [logOpenSection, scanSection, queriesSection, writeSection, bulkLoadSection, pgwireLoadSection, httpStreamSection, spillSection];
