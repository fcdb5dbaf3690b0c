// Bundles the d3 viewer (viz/src/main.ts, d3 tree-shaken, IIFE, minified) into ONE self-contained
// HTML template, dist/viewer/index.html. The page reads its data from the inlined
// <script type="application/json" id="anonsim-data"> block, which src/export/report.ts (report.html)
// and src/export/serve.ts (`anonsim view`) fill in. A Content-Security-Policy pins the one script by
// its SHA-256 and forbids every network load.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The exact data placeholder in the template (report.ts replaces it). */
export const DATA_PLACEHOLDER = '<script type="application/json" id="anonsim-data">null</script>';

/** Escapes what could end a script element or open an HTML comment inside inline JS. */
function escapeInlineJs(js) {
  const out = js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  if (/<\/script|<!--/i.test(out)) throw new Error('viewer bundle still contains </script or <!--');
  return out;
}

export async function buildViewer({ quiet = false } = {}) {
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['viz/src/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: quiet ? 'warning' : 'info',
  });
  const js = escapeInlineJs(r.outputFiles[0].text.trimEnd());
  const hash = createHash('sha256').update(js, 'utf8').digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const css = readFileSync(`${root}/viz/style.css`, 'utf8').trim();
  if (/<\/style/i.test(css)) throw new Error('viz/style.css must not contain </style');
  const template = readFileSync(`${root}/viz/template.html`, 'utf8');
  if (!template.includes(DATA_PLACEHOLDER)) throw new Error('viz/template.html lost its data placeholder');
  const html = template
    .replace('__CSP__', () => csp)
    .replace('/*__CSS__*/', () => css)
    .replace('/*__JS__*/', () => js);
  mkdirSync(`${root}/dist/viewer`, { recursive: true });
  const out = `${root}/dist/viewer/index.html`;
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, html);
  renameSync(tmp, out);
  if (!quiet) console.log(`viewer: dist/viewer/index.html (${(html.length / 1024).toFixed(1)} KiB)`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildViewer();
