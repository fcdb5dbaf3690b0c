/** One infrastructure party: the design's central one, or one infrastructure host at random. */
import { randomOrder } from '../../core/rng.js';
import { oneOf } from '../../params/typed.js';
import type { AdversaryKind } from '../kind.js';

export interface SingleSpec {
  kind: 'single';
  target: 'server' | 'random';
}

const TARGET = oneOf('target', ['server', 'random'], {
  default: 'server',
  description: "single: the design's central party (server) or one infrastructure host chosen at random.",
  source: '[assumption] the most central party is the strongest single adversary',
});

export const single: AdversaryKind<'single', SingleSpec> = {
  kind: 'single',
  summary: 'one infrastructure party: the central server, or one infrastructure host at random',
  brief: 'one infrastructure party',
  fields: [TARGET],
  nameForm: 'single-<target>',
  resolve(r, item, path) {
    const target = r.value(TARGET, item.target, `${path}.target`);
    return target === undefined ? undefined : { kind: 'single', target };
  },
  defaultName: (spec) => `single-${spec.target}`,
  global: false,
  hold(spec, built, held, streams) {
    let h = built.central;
    if (spec.target === 'random')
      h = built.infra[randomOrder(streams.stream('adversary/single'), built.infra.length)[0]];
    held[h] = 1;
  },
  // A one-host infrastructure is its central party (Signal's service): any target holds it.
  planned: (spec, infra) => (infra <= 1 ? 'infra' : `single:${spec.target}`),
};
