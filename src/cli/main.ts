/**
 * The `anonsim` command line (docs/cli.md): run, attack, validate, list, view, merge. Commander parses; every
 * error is mapped to an exit code here — 0 success, 2 bad input (one line per problem on stderr
 * in the scenario problem format, including unknown commands and flags), 1 a fault of the machine
 * (disk full, I/O error, permission: one line naming the file) or an internal error (a bug: with
 * its stack trace), 130 / 143 interrupted by SIGINT / SIGTERM. `main` does not call process.exit (only a second Ctrl-C during a run does), so
 * tests run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { ATTACK_ALIASES } from '../attacks/registry.js';
import { InputError, machineFault } from '../core/errors.js';
import { anonsimVersion } from '../core/package.js';
import { formatProblem, type Problem, ScenarioError } from '../scenario/errors.js';
import { nearMiss } from '../scenario/fields.js';
import { scenarioJsonSchema } from '../scenario/json-schema.js';
import { scenarioReference } from '../scenario/reference.js';
import { Argv } from './argv.js';
import { type AttackFlags, attackCommand } from './attack.js';
import { type CompareFlags, compareCommand } from './compare.js';
import { FIGURE_CONTROLS, figuresCommand } from './figures.js';
import { interruptExit } from './interrupt.js';
import { type Io, processIo } from './io.js';
import { LIST_WHAT, listNames, listText } from './list.js';
import { type MergeFlags, mergeCommand } from './merge.js';
import { type RunFlags, runCommand } from './run.js';
import { TABLE_MODES, type TablesFlags, tablesCommand } from './tables.js';
import { validateCommand } from './validate.js';
import { viewCommand } from './view.js';

/** Every subcommand, named in "expected one of …" messages and used to find the usage a parse error quotes. */
const COMMANDS = ['run', 'attack', 'validate', 'list', 'view', 'compare', 'merge', 'figures', 'tables'];
const ALL_COMMANDS = COMMANDS;

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function printProblems(io: Io, problems: Problem[]): void {
  for (const p of problems) io.err(`${formatProblem(p)}\n`);
}

/** Maps a commander parse error to a problem line at the offending argument. */
function commanderProblem(e: CommanderError, argv: Argv, program: Command): Problem {
  const [first, second] = e.message.split('\n');
  const message = first.replace(/^error:\s*/, '');
  const hint = /\(Did you mean (.+)\?\)/.exec(second ?? '')?.[1];
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const sub = argv.args.find((a) => ALL_COMMANDS.includes(a));
  const cmd = sub ? program.commands.find((c) => c.name() === sub) : undefined;
  const usage = cmd ? `anonsim ${cmd.name()} ${cmd.usage()}` : `anonsim <${COMMANDS.join('|')}> …`;
  switch (e.code) {
    case 'commander.unknownCommand':
      return argv.problem(quoted, `unknown command "${quoted}"`, `one of ${COMMANDS.join(', ')}`, hint);
    case 'commander.unknownOption': {
      const flag = quoted.split('=')[0];
      return argv.problem(flag, `unknown option "${flag}"`, `an option of ${usage} (see --help)`, hint);
    }
    case 'commander.optionMissingArgument': {
      const flag = /(--?[\w-]+)/.exec(quoted)?.[1] ?? quoted;
      return argv.problem(flag, 'needs a value', quoted);
    }
    case 'commander.missingArgument':
      return {
        file: 'argv',
        line: 1,
        col: argv.args.length + 1,
        path: `<${quoted}>`,
        message: 'is missing',
        expected: usage,
      };
    case 'commander.excessArguments':
      return {
        file: 'argv',
        line: 1,
        col: argv.args.length,
        path: argv.args[argv.args.length - 1] ?? '(arguments)',
        message: 'too many arguments',
        expected: usage,
      };
    default:
      return { file: 'argv', line: 1, col: 1, path: '(arguments)', message, expected: usage };
  }
}

/** Builds and runs the CLI; resolves to the exit code. `argv` is process.argv-shaped. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const args = new Argv(argv.slice(2));
  const program = new Command();
  const version = anonsimVersion();
  program
    .name('anonsim')
    .description('Seeded discrete-event simulator of messenger metadata privacy (Signal, Session, SimpleX, Matrix)')
    .version(version, '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => {} });

  program
    .command('run')
    .description('run a scenario (YAML or JSON) and write CSVs, manifest.json and report.html')
    .argument('<scenario>', 'scenario file')
    .option('-o, --out <dir>', 'results folder (default: results/<scenario name>/)')
    .option('--seed <n>', 'master seed (overrides the scenario)')
    .option('--replicates <n>', 'replicates per sweep cell (overrides the scenario)')
    .option('--workers <n>', 'worker threads (default: available parallelism)')
    .option(
      '--set <path=value>',
      'override a scenario key, e.g. workload.users=5000 (repeatable)',
      (v, prev: string[]) => [...prev, v],
      [],
    )
    .option('--messages', 'also write messages.csv (one row per scored delivery)')
    .option('--quiet', 'no progress bar and no summary table')
    .option(
      '--shard <I/N>',
      'run only jobs with index ≡ I (mod N) and write job files + shard manifest (see anonsim merge); none: ignore SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX',
    )
    .option('--shards <n>', 'shard count when the index comes from the environment (needed for JOB_COMPLETION_INDEX)')
    .option('--resume', 'reuse the finished jobs saved in DIR/.jobs by an interrupted run; run only the rest')
    .option(
      '--precision <H>',
      "run replicates until every top1's 95% interval has half-width ≤ H (at least 5, at most --replicates); same CSVs as --replicates n for the n it stops at",
    )
    .option(
      '--log',
      'also save every simulated world (observation log, ground truth) as Parquet in DIR/log/ (docs/log.md)',
    )
    .action(async (file: string, flags: RunFlags) => {
      throw new Exit(await runCommand(file, flags, args, io));
    });

  program
    .command('attack')
    .description('run adversaries and attacks on a log saved by `anonsim run --log`, without simulating (docs/log.md)')
    .argument('<log>', 'the saved log: DIR/log of a run with --log')
    .option('-o, --out <dir>', 'results folder (default: results/<scenario name>-attack/)')
    .option(
      '--set <path=value>',
      'override adversaries, attacks, attackParams or warmup, e.g. adversaries.0.target=random (repeatable)',
      (v, prev: string[]) => [...prev, v],
      [],
    )
    .option('--workers <n>', 'worker threads (default: available parallelism)')
    .option('--messages', 'also write messages.csv (one row per scored delivery)')
    .option('--quiet', 'no progress bar and no summary table')
    .action(async (dir: string, flags: AttackFlags) => {
      throw new Exit(await attackCommand(dir, flags, args, io));
    });

  program
    .command('merge')
    .description('combine shard folders (anonsim run --shard I/N) into the files a single run writes')
    .argument('<dir...>', 'shard folders')
    .option('-o, --out <dir>', 'results folder (default: results/<scenario name>/)')
    .option('--quiet', 'no summary table')
    .action(async (dirs: string[], flags: MergeFlags) => {
      throw new Exit(await mergeCommand(dirs, flags, args, io));
    });

  program
    .command('validate')
    .description(
      'check a scenario, print it fully resolved (defaults filled in) as YAML, and say on stderr how many cells, jobs and simulated worlds it makes and roughly what it costs',
    )
    .argument('<scenario>', 'scenario file')
    .action((file: string) => {
      throw new Exit(validateCommand(file, io));
    });

  program
    .command('list')
    .description(
      'list designs, adversaries and attacks with every parameter, default, unit and source; or one of them by name',
    )
    .argument('[what]', `${LIST_WHAT.join(', ')}, or one name: a design, adversary kind or attack (default: all)`)
    .option('--reference', 'print the scenario reference (docs/scenario.md) as Markdown')
    .option('--json-schema', 'print the scenario format as a JSON Schema (docs/scenario.schema.json)')
    .addHelpText('after', '\nExamples:\n  anonsim list simplex\n  anonsim list colluding\n  anonsim list attacks')
    .action((what: string | undefined, flags: { reference?: boolean; jsonSchema?: boolean }) => {
      if (flags.reference) {
        io.out(scenarioReference());
        throw new Exit(0);
      }
      if (flags.jsonSchema) {
        io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
        throw new Exit(0);
      }
      const known = [...LIST_WHAT, ...listNames()];
      if (what !== undefined && !known.includes(what)) {
        const hint = ATTACK_ALIASES[what.toLowerCase()] ?? nearMiss(what, known);
        throw new ScenarioError([
          args.problem(
            what,
            `unknown list or name "${what}"`,
            `one of ${LIST_WHAT.join(', ')}, or a name: ${listNames().join(', ')}`,
            hint,
          ),
        ]);
      }
      io.out(listText(what));
      throw new Exit(0);
    });

  program
    .command('view')
    .description('serve the viewer for a results folder on http://127.0.0.1:PORT/ (loopback only)')
    .argument('<dir>', 'results folder')
    .option('--port <n>', 'port (default: any free port)')
    .action(async (dir: string, flags: { port?: string }) => {
      throw new Exit(await viewCommand(dir, flags, args, io));
    });

  program
    .command('compare')
    .description(
      'compare two results folders: per metric and row both means, the difference B − A with its 95% interval (paired when the runs share seeds) and the scenario keys that differ',
    )
    .argument('<A>', 'baseline results folder')
    .argument('<B>', 'results folder compared with it')
    .option('-o, --out <dir>', 'also write compare.csv (every metric), manifest.json and report.html there')
    .option('--metric <name>', 'metric printed (default top1; compare.csv has all)')
    .option('--quiet', 'print nothing (with -o)')
    .addHelpText(
      'after',
      `
Rows are matched by design, adversary, attack and swept values. When every matched replicate ran with
the same seed on both sides (same seed and replicates), the runs are paired: the interval is that of
the per-replicate differences. Otherwise it is Welch's interval for independent runs.

Examples:
  anonsim run scenarios/default.yaml -o a --replicates 5
  anonsim run scenarios/default.yaml -o b --replicates 5 --set designs.2.privateRouting=never
  anonsim compare a b -o a-vs-b`,
    )
    .action(async (a: string, b: string, flags: CompareFlags) => {
      throw new Exit(await compareCommand(a, b, flags, args, io));
    });

  program
    .command('figures')
    .description("export a results folder's charts as SVG, exactly as the viewer's SVG button does (headless Chromium)")
    .argument('<dir>', 'results folder with report.html')
    .argument('[spec...]', 'NAME=CHART[,CONTROL=VALUE…] (default: every chart, named by its id)')
    .option('-o, --out <dir>', 'folder for the SVG files (default: <dir>/figures)')
    .addHelpText(
      'after',
      `
CHART is a chart id of the report (overview, sweep, exposure, heatmap, roc, anoncdf, ttfd, tradeoff,
timeline, compare); CONTROL is one of ${Object.keys(FIGURE_CONTROLS).join(', ')}; VALUE an option's value or text.
Chromium: /usr/bin/chromium or CHROMIUM_PATH. Each SVG's caption names the anonsim version and commit.

Examples:
  anonsim figures results/default
  anonsim figures results/default -o figs fig1=overview,adversary=global-passive fig2=exposure`,
    )
    .action(async (dir: string, specs: string[], flags: { out?: string }) => {
      throw new Exit(await figuresCommand(dir, specs, flags, args, io));
    });

  program
    .command('tables')
    .description("print Markdown tables from a results folder's aggregate.csv")
    .argument('<dir>', 'results folder')
    .argument('<table>', `${TABLE_MODES.join(' | ')}`)
    .option('--rows <key>', 'grid: swept column for the rows')
    .option('--cols <key>', 'grid: swept column for the columns')
    .option('--adversary <name>', 'only this adversary (repeatable)', (v, prev: string[]) => [...prev, v], [])
    .option('--where <key=value>', 'only rows with this value (repeatable)', (v, prev: string[]) => [...prev, v], [])
    .addHelpText(
      'after',
      `
attacks: one row per design × adversary, one column per attack (top1 mean, strongest in bold),
         latency p50 and bytes per message.
grid:    per adversary and design, a --rows × --cols grid of the strongest attack's
         top1 (attack) · latency p50 · bytes/message.

Examples:
  anonsim tables results/default attacks
  anonsim tables results/countermeasures grid --rows 'designs.*.mixDelay' --cols 'designs.*.coverRate' --adversary global-passive`,
    )
    .action((dir: string, mode: string, flags: TablesFlags) => {
      io.out(tablesCommand(dir, mode, flags, args));
      throw new Exit(0);
    });

  if (args.args.length === 0) {
    printProblems(io, [
      {
        file: 'argv',
        line: 1,
        col: 1,
        path: '(command)',
        message: 'no command given',
        expected: `one of ${COMMANDS.join(', ')} (see anonsim --help)`,
      },
    ]);
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    return exitCode(e, io, args, program);
  }
}

function exitCode(e: unknown, io: Io, args: Argv, program: Command): number {
  if (e instanceof Exit) return e.code;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e.code === 'commander.help') return 2;
    printProblems(io, [commanderProblem(e, args, program)]);
    return 2;
  }
  if (e instanceof ScenarioError) {
    printProblems(io, e.problems);
    return 2;
  }
  if (e instanceof InputError) {
    printProblems(io, [args.problem(e.path || '(arguments)', e.message, e.expected)]);
    return 2;
  }
  const stopped = interruptExit(e);
  if (stopped !== undefined) return stopped;
  // A full disk, an I/O error, a permission: the machine's fault, one line naming the file (exit 1).
  const fault = machineFault(e);
  if (fault) {
    io.err(`anonsim: ${fault.message}\n`);
    if (process.env.ANONSIM_DEBUG === '1') io.err(`${(fault.cause as Error | undefined)?.stack ?? fault.stack}\n`);
    return 1;
  }
  io.err(`anonsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
