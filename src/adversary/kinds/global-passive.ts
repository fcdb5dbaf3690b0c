/** Every link: times, hosts and sizes of every row, no identifiers and no causes. */
import type { AdversaryKind } from '../kind.js';

export interface GlobalPassiveSpec {
  kind: 'global-passive';
}

export const globalPassive: AdversaryKind<'global-passive', GlobalPassiveSpec> = {
  kind: 'global-passive',
  summary: 'sees every link: times, sizes and addresses, no content',
  brief: 'every link',
  fields: [],
  nameForm: 'global-passive',
  resolve: () => ({ kind: 'global-passive' }),
  defaultName: () => 'global-passive',
  global: true,
  hold() {},
  planned: () => 'nothing',
};
