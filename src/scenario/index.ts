/** Scenario files: load, validate, resolve, override, sweep, print and document. */
export type { Pos, PositionLookup, Positions, Problem } from './errors.js';
export { formatProblem, formatWarning, ScenarioError } from './errors.js';
export type { FieldSpec } from './fields.js';
export { formatRate } from './fields.js';
export type { Loaded, Override } from './load.js';
export { applyOverrides, loadScenario } from './load.js';
export { getPath, parseScalar, setPath } from './paths.js';
export { scenarioReference, typeText } from './reference.js';
export type { Resolution } from './resolve.js';
export { defaultAdversaryName, resolveScenario } from './resolve.js';
export { parseScenarioText, readScenarioFile } from './source.js';
export type { Cell } from './sweep.js';
export { sweepCells } from './sweep.js';
export { scenarioToPlain, scenarioToYaml } from './to-yaml.js';
export type { DesignItem, Scenario } from './types.js';
