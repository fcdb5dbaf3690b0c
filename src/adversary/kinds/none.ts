/** Observes nothing: the no-information baseline every attack must score as a blind guess. */
import type { AdversaryKind } from '../kind.js';

export interface NoneSpec {
  kind: 'none';
}

export const none: AdversaryKind<'none', NoneSpec> = {
  kind: 'none',
  summary: 'observes nothing; the no-information baseline (top1 = 1/users)',
  brief: 'observes nothing (baseline)',
  fields: [],
  nameForm: 'none',
  resolve(r, _item, path) {
    r.warn(
      path,
      'kind none observes nothing, so its rows only show the no-information baseline (top1 = 1/users)',
      'remove it or keep it deliberately as a baseline',
    );
    return { kind: 'none' };
  },
  defaultName: () => 'none',
  global: false,
  hold() {},
  planned: () => 'none',
};
