/**
 * The `anonsim` command line (CONTRACT §2): run, validate, list, view, merge. Commander parses; every
 * error is mapped to an exit code here — 0 success, 2 bad input (one line per problem on stderr
 * in the scenario problem format, including unknown commands and flags), 1 internal error,
 * 130 interrupted. `main` does not call process.exit (only a second Ctrl-C during a run does), so
 * tests run it in-process.
 */
import { existsSync, statSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../core/errors.js';
import { anonsimVersion } from '../export/manifest.js';
import { serveResults } from '../export/serve.js';
import { formatProblem, formatWarning, type Problem, ScenarioError } from '../scenario/errors.js';
import { nearMiss } from '../scenario/fields.js';
import { loadScenario } from '../scenario/load.js';
import { scenarioReference } from '../scenario/reference.js';
import { scenarioToYaml } from '../scenario/to-yaml.js';
import { Argv, parseIntArg } from './argv.js';
import { type Io, processIo } from './io.js';
import { LIST_WHAT, listText } from './list.js';
import { type MergeFlags, mergeCommand } from './merge.js';
import { type RunFlags, runCommand } from './run.js';

/** Every subcommand, named in "expected one of …" messages and used to find the usage a parse error quotes. */
const COMMANDS = ['run', 'validate', 'list', 'view', 'merge'];
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
    .action(async (file: string, flags: RunFlags) => {
      throw new Exit(await runCommand(file, flags, args, io));
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
    .description('check a scenario and print it fully resolved (defaults filled in) as YAML')
    .argument('<scenario>', 'scenario file')
    .action((file: string) => {
      const loaded = loadScenario(file);
      for (const w of loaded.warnings) io.err(`${formatWarning(w)}\n`);
      io.out(scenarioToYaml(loaded.scenario));
      throw new Exit(0);
    });

  program
    .command('list')
    .description('list designs, adversaries and attacks with every parameter, default, unit and source')
    .argument('[what]', `one of ${LIST_WHAT.join(', ')} (default: all)`)
    .addOption(new Option('--reference', 'print the scenario reference (docs/scenario.md) as Markdown').hideHelp())
    .action((what: string | undefined, flags: { reference?: boolean }) => {
      if (flags.reference) {
        io.out(scenarioReference());
        throw new Exit(0);
      }
      if (what !== undefined && !(LIST_WHAT as readonly string[]).includes(what)) {
        throw new ScenarioError([
          args.problem(what, `unknown list "${what}"`, `one of ${LIST_WHAT.join(', ')}`, nearMiss(what, LIST_WHAT)),
        ]);
      }
      io.out(listText(what as (typeof LIST_WHAT)[number] | undefined));
      throw new Exit(0);
    });

  program
    .command('view')
    .description('serve the viewer for a results folder on http://127.0.0.1:PORT/ (loopback only)')
    .argument('<dir>', 'results folder')
    .option('--port <n>', 'port (default: any free port)')
    .action(async (dir: string, flags: { port?: string }) => {
      const problems: Problem[] = [];
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        problems.push(
          args.problem(
            dir,
            existsSync(dir) ? 'is not a folder' : 'does not exist',
            'a results folder written by anonsim run',
          ),
        );
      let port: number | undefined;
      if (flags.port !== undefined) {
        port = parseIntArg(flags.port);
        if (port === undefined || port > 65535) {
          problems.push(
            args.problem('--port', `"${flags.port}" is not a port`, 'an integer in [0, 65535] (0: any free port)'),
          );
          port = undefined;
        }
      }
      if (problems.length > 0) throw new ScenarioError(problems);
      let server: Awaited<ReturnType<typeof serveResults>>;
      try {
        server = await serveResults(dir, port);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES')
          throw new ScenarioError([
            args.problem(
              '--port',
              `port ${port} cannot be used (${code})`,
              'a free port, or --port 0 for any free port',
            ),
          ]);
        throw e;
      }
      io.out(`${server.url}\n`);
      // Serve until Ctrl-C / SIGTERM (or the injected abort signal in tests).
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          io.signal?.removeEventListener('abort', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        io.signal?.addEventListener('abort', stop, { once: true });
        if (io.signal?.aborted) stop();
      });
      await server.close();
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
  if (e instanceof Error && e.name === 'AbortError') return 130;
  io.err(`anonsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
