// Builds the board into dist/: one bundled, minified script and stylesheet with content hashes in
// their names (served as immutable), and index.html naming them.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(here, 'src/main.jsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(dist, 'assets'),
  entryNames: 'app-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((n) => n.endsWith('.js'));
const style = outputs.find((n) => n.endsWith('.css'));
if (!script || !style) throw new Error('the build produced no script or no stylesheet');
const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', `/board/assets/${script}`)
  .replace('%STYLE%', `/board/assets/${style}`);
writeFileSync(join(dist, 'index.html'), page);
console.log(`board built: dist/index.html, dist/assets/${script}, dist/assets/${style}`);
