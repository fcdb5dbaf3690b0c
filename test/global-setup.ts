import type { TestProject } from 'vitest/node';
import { build } from '../scripts/build.mjs';

// Tests exercise the same compiled dist/ (CLI, workers, viewer) that ships.
export default async function setup(project: TestProject): Promise<void> {
  await build({ quiet: true });
  project.onTestsRerun(async () => {
    await build({ quiet: true });
  });
}
