export type { Dist } from './dist.js';
export { DIST_FORM, parseDist, WeightedChoice, Zipf } from './dist.js';
export { editDistance, InputError, suggest } from './errors.js';
export type { Rng } from './rng.js';
export { randExp, randInt, randomOrder, replicateSeed, Streams, sampleWithoutReplacement, shuffle } from './rng.js';
export type { Handler, RunOptions } from './sim.js';
export { Sim } from './sim.js';
export { DAY, formatDuration, HOUR, MIN, MS, parseDuration, parseRate, SEC, US } from './time.js';
