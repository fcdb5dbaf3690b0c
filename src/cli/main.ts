import { Command } from 'commander';

/** Builds and runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program.name('anonsim').description('Seeded discrete-event simulator of messenger metadata privacy');
  await program.parseAsync(argv);
  return 0;
}
