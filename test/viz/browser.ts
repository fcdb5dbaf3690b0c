/** Shared set-up of the browser tests: the Debian chromium, the built viewer, one persistent context. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { viewerTemplatePath } from '../../src/export/report.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** Warns once per file that its browser tests are skipped (`.ci/run` installs chromium). */
export function warnIfNoChromium(what: string): void {
  if (!haveChromium)
    console.warn(`SKIPPING ${what}: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
}

/** Builds dist/viewer/index.html if a test run starts without it. */
export async function ensureViewer(): Promise<void> {
  if (existsSync(viewerTemplatePath())) return;
  const { buildViewer } = await import('../../viz/build.mjs');
  await buildViewer({ quiet: true });
}

/** A headless chromium with a throw-away profile, no network services, downloads accepted. */
export async function launchBrowser(): Promise<{ ctx: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'anonsim-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 800 },
  });
  return {
    ctx,
    close: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
