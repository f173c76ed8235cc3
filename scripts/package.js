// Builds the bundles listed in ncc.config.js with @vercel/ncc.
//   node scripts/package.js            build every bundle
//   node scripts/package.js NAME...    build only these
//   node scripts/package.js --check    rebuild committed bundles in a temporary folder, fail on drift
//   node scripts/package.js --check NAME...   the same for these only
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import bundles from '../ncc.config.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !bundles.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(`Unknown bundle(s): ${unknown.join(', ')}. Known: ${bundles.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const selected = bundles.filter(
  (b) => (names.length === 0 || names.includes(b.name)) && (!check || b.committed !== false),
);

// A bundle may sit inside another's folder (an action's post step in dist/post): building or checking the
// outer one leaves the inner one alone.
function nestedOuts(bundle) {
  return bundles
    .filter((b) => b !== bundle && b.out.startsWith(`${bundle.out}/`))
    .map((b) => relative(bundle.out, b.out));
}

function clearOut(outDir, keep) {
  let entries;
  try {
    entries = readdirSync(outDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!keep.some((k) => k === entry || k.startsWith(`${entry}/`))) {
      rmSync(join(outDir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * The npm packages ncc inlined, read from the modules webpack bundled (not the files the type check read):
 * `[{ name, version }]`, sorted. Each is the innermost `node_modules/<name>` (or `@scope/name`) folder of
 * a module, with its manifest.
 */
function inlinedPackages(stats) {
  const roots = new Set();
  for (const module of stats?.compilation?.modules ?? []) {
    const file = module.resource ?? '';
    const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\//.exec(file);
    if (match) roots.add(match[1]);
  }
  const packages = new Map();
  for (const root of roots) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (typeof manifest.name === 'string' && typeof manifest.version === 'string')
      packages.set(`${manifest.name}@${manifest.version}`, {
        name: manifest.name,
        version: manifest.version,
      });
  }
  return [...packages.values()].sort((a, b) =>
    `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`),
  );
}

/**
 * A CycloneDX SBOM of the inlined packages. A bundle has no node_modules a scanner could read, so an image
 * that ships one carries this next to it (Trivy reads `*.cdx.json` in images). No timestamp: the same
 * sources give the same bytes.
 */
function sbom(bundle, packages) {
  const purl = ({ name, version }) => `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
  return `${JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: {
        component: { type: 'application', name: bundle.name, 'bom-ref': `bundle:${bundle.name}` },
      },
      components: packages.map((pkg) => {
        const scoped = /^(@[^/]+)\/(.+)$/.exec(pkg.name);
        return {
          type: 'library',
          'bom-ref': purl(pkg),
          ...(scoped ? { group: scoped[1], name: scoped[2] } : { name: pkg.name }),
          version: pkg.version,
          purl: purl(pkg),
        };
      }),
    },
    null,
    2,
  )}\n`;
}

async function build(bundle, outDir) {
  // ncc resolves a relative entry from its own folder, so hand it an absolute one.
  const { code, assets, stats } = await ncc(resolve(bundle.entry), {
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    target: 'es2023',
    // Optional native add-ons (ssh2's) stay out: a bundle built on one machine must match any other's.
    externals: bundle.externals ?? [],
  });
  clearOut(outDir, nestedOuts(bundle));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    writeFileSync(join(outDir, file), asset.source);
  }
  // The bundles are ES modules; say so next to them so they load the same outside this repository.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  if (bundle.sbom) writeFileSync(join(outDir, 'sbom.cdx.json'), sbom(bundle, inlinedPackages(stats)));
}

function listFiles(dir, skip = [], base = dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .map((e) => ({ e, path: relative(base, join(dir, e.name)) }))
    .filter(({ path }) => !skip.includes(path))
    .flatMap(({ e, path }) => (e.isDirectory() ? listFiles(join(dir, e.name), skip, base) : [path]));
}

// Each bundle type-checks the whole project in ncc (about 1 GB): several in one process outgrow Node's
// default heap, so more than one bundle means one child process each, two at a time.
if (selected.length > 1) {
  const queue = [...selected];
  let failed = 0;
  const worker = async () => {
    for (let bundle = queue.shift(); bundle; bundle = queue.shift()) {
      const argv = [fileURLToPath(import.meta.url), ...(check ? ['--check'] : []), bundle.name];
      const code = await new Promise((done) =>
        spawn(process.execPath, argv, { stdio: 'inherit' }).on('close', (exit) => done(exit)),
      );
      if (code !== 0) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  if (failed > 0) process.exit(1);
  process.exit(0);
}

let drift = 0;
for (const bundle of selected) {
  if (!check) {
    await build(bundle, bundle.out);
    console.log(`packaged ${bundle.name} -> ${bundle.out}/index.js`);
    continue;
  }
  const fresh = mkdtempSync(join(tmpdir(), `package-${bundle.name}-`));
  await build(bundle, fresh);
  const files = new Set([...listFiles(fresh), ...listFiles(bundle.out, nestedOuts(bundle))]);
  for (const file of files) {
    let same = false;
    try {
      same = readFileSync(join(fresh, file)).equals(readFileSync(join(bundle.out, file)));
    } catch {}
    if (!same) {
      console.error(`${bundle.out}/${file} differs from a fresh build: run 'npm run package' and commit it`);
      drift++;
    }
  }
  rmSync(fresh, { recursive: true, force: true });
}
if (check) {
  if (drift > 0) process.exit(1);
  console.log(`${selected.map((b) => b.name).join(', ')}: the committed bundle matches a fresh build`);
}
