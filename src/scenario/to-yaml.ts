/**
 * Resolved Scenario → plain object / YAML with every default written out: durations back as
 * strings (`formatDuration`), rates as `N/unit`, distributions as their text. The output is a
 * valid scenario that resolves to the same Scenario (tested), so `anonsim validate` output can
 * be saved and run, and manifest.json records exactly what ran.
 */
import { Document, isSeq } from 'yaml';
import { ATTACKS } from '../attacks/registry.js';
import { formatDuration } from '../core/time.js';
import { DESIGNS } from '../designs/registry.js';
import { formatRate, formatValue } from './fields.js';
import { sweepToPlain } from './sweep-spec.js';
import type { Scenario } from './types.js';

export function scenarioToPlain(s: Scenario): Record<string, unknown> {
  const w = s.workload;
  const designs = s.designs.map((d) => {
    const mod = DESIGNS.get(d.design);
    const item: Record<string, unknown> = { design: d.design, name: d.name, processing: d.processing.text };
    for (const [k, v] of Object.entries(d.params)) {
      const spec = mod?.params.find((p) => p.name === k);
      item[k] = spec ? formatValue(spec, v) : typeof v === 'object' ? v.text : v;
    }
    return item;
  });
  const adversaries = s.adversaries.map((a) => {
    const { kind, name, ...rest } = a;
    return { kind, name, ...rest };
  });
  const attackParams: Record<string, Record<string, unknown>> = {};
  for (const [id, params] of Object.entries(s.attackParams)) {
    const mod = ATTACKS.get(id);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) {
      const spec = mod?.params.find((p) => p.name === k);
      out[k] = spec ? formatValue(spec, v) : v;
    }
    attackParams[id] = out;
  }
  const plain: Record<string, unknown> = {
    name: s.name,
    seed: s.seed,
    replicates: s.replicates,
    duration: formatDuration(s.duration),
    warmup: formatDuration(s.warmup),
    workload: {
      users: w.users,
      contacts: w.contacts,
      degreeModel: w.degreeModel,
      contactSkew: w.contactSkew,
      rate: formatRate(w.rate),
      replyProbability: w.replyProbability,
      thinkTime: w.thinkTime.text,
      messageSize: w.messageSize.text,
      groups: { count: w.groups.count, size: w.groups.size, rate: formatRate(w.groups.rate) },
      online: { model: w.online.model, on: w.online.on.text, off: w.online.off.text },
      platforms: { android: w.platforms.android, ios: w.platforms.ios },
    },
    network: { latency: s.network.latency.text },
    designs,
    adversaries,
    attacks: [...s.attacks],
    attackParams,
  };
  if (s.sweep.length > 0) plain.sweep = sweepToPlain(s.sweep);
  if (s.compare.length > 0) plain.compare = s.compare.map((p) => [p.a, p.b]);
  return plain;
}

/** The resolved scenario as YAML (what `anonsim validate` prints). */
export function scenarioToYaml(s: Scenario): string {
  const head = `# Resolved scenario "${s.name}": every default filled in (anonsim validate).\n`;
  const doc = new Document(scenarioToPlain(s));
  // Short lists read better inline: attacks: [timing, flow], sweep values: [0.01, 0.1].
  const attacks = doc.get('attacks');
  if (isSeq(attacks)) attacks.flow = true;
  s.compare.forEach((_, i) => {
    const pair = doc.getIn(['compare', i]);
    if (isSeq(pair)) pair.flow = true;
  });
  const zipGroups = new Set(s.sweep.filter((x) => x.zip !== undefined).map((x) => x.zip)).size;
  for (const x of s.sweep) {
    const at =
      x.zip === undefined
        ? ['sweep', x.path]
        : zipGroups === 1
          ? ['sweep', 'zip', x.path]
          : [
              'sweep',
              'zip',
              [...new Set(s.sweep.map((y) => y.zip).filter((z) => z !== undefined))].indexOf(x.zip),
              x.path,
            ];
    const seq = doc.getIn(at);
    if (isSeq(seq)) seq.flow = true;
  }
  return head + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
