// Builds the PWA into dist/: `npm run build`.
//
// dist/index.html             the shell, pointing at content-hashed assets
// dist/assets/main-HASH.js    the resident app (Preact) and the shell every role shares
// dist/assets/chunks/*.js     lazy chunks: the grid worker's, the staff desk's and the
//                             admin's screens, loaded only after sign-in with that role
//                             (so a resident never downloads them) and cached by the
//                             service worker when first loaded, not precached
// dist/assets/main-HASH.css   its styles
// dist/sw.js                  the service worker, with the build version and precache list baked in
// dist/manifest.webmanifest   names taken from locales/zh-Hans.json
// dist/icons/*.png            copied from static/icons (drawn by scripts/make_icons.py)
// dist/locales/*.json         copied from ../locales, the one source of user-facing text
//
// The build version is a hash of everything precached, so rebuilding unchanged
// sources produces the same sw.js and phones are not asked to update for nothing.

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const LOCALES_DIR = path.join(ROOT, '..', 'locales');
const ICONS_DIR = path.join(ROOT, 'static', 'icons');

const LOCALES = ['zh-Hans', 'zh-Hant'];
const THEME_COLOR = '#0a5196';
const BACKGROUND_COLOR = '#ffffff';
// Cheap Android phones keep old system WebViews; esbuild lowers newer syntax for
// them. (Safari before 14.1 would need destructuring lowered, which esbuild cannot do.)
const BROWSER_TARGETS = ['chrome64', 'edge79', 'firefox78', 'safari14.1'];

async function main() {
  const { version: packageVersion } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });

  const locales = await copyLocales();
  const icons = await copyIcons();
  const app = await bundleApp(locales.urls);
  const manifest = await writeManifest(locales.messages['zh-Hans']);
  await writeIndex(locales.messages['zh-Hans'], app);

  const precache = ['./', ...app.precache, app.css, ...Object.values(locales.urls), manifest, ...icons];
  const version = `${packageVersion}+${await hashFiles(precache)}`;
  await bundleServiceWorker(version, precache);
  await reportSizes(version);
}

/** Copies both locale files after checking they carry the same keys and placeholders. */
async function copyLocales() {
  await mkdir(path.join(DIST, 'locales'), { recursive: true });
  const messages = {};
  const urls = {};
  for (const locale of LOCALES) {
    const text = await readFile(path.join(LOCALES_DIR, `${locale}.json`), 'utf8');
    messages[locale] = JSON.parse(text);
    await writeFile(path.join(DIST, 'locales', `${locale}.json`), text);
    // The hash query makes each locale URL change exactly when its text does.
    urls[locale] = `locales/${locale}.json?v=${shortHash(text)}`;
  }
  assertSameShape(messages);
  return { messages, urls };
}

function assertSameShape(messages) {
  const [first, ...others] = LOCALES;
  const reference = flatten(messages[first]);
  const problems = [];
  for (const locale of others) {
    const other = flatten(messages[locale]);
    for (const key of new Set([...reference.keys(), ...other.keys()])) {
      if (!reference.has(key) || !other.has(key)) {
        problems.push(`${key}: only in ${reference.has(key) ? first : locale}`);
      } else if (placeholders(reference.get(key)) !== placeholders(other.get(key))) {
        problems.push(`${key}: placeholders differ between ${first} and ${locale}`);
      }
    }
  }
  if (problems.length) {
    throw new Error(`locale files disagree:\n  ${problems.join('\n  ')}`);
  }
}

function flatten(node, prefix = '', into = new Map()) {
  for (const [key, value] of Object.entries(node)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object') flatten(value, dotted, into);
    else into.set(dotted, String(value));
  }
  return into;
}

function placeholders(text) {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort().join(',');
}

async function copyIcons() {
  await mkdir(path.join(DIST, 'icons'), { recursive: true });
  const names = (await readdir(ICONS_DIR)).filter((name) => name.endsWith('.png')).sort();
  for (const name of names) {
    await copyFile(path.join(ICONS_DIR, name), path.join(DIST, 'icons', name));
  }
  return names.map((name) => `icons/${name}`);
}

async function bundleApp(localeUrls) {
  const result = await esbuild.build({
    entryPoints: [path.join(SRC, 'main.jsx')],
    outdir: path.join(DIST, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: false,
    target: BROWSER_TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { __LOCALE_URLS__: JSON.stringify(localeUrls) },
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  const relative = (file) => path.relative(DIST, file).split(path.sep).join('/');
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint && file.endsWith('.js'));
  const css = Object.keys(outputs).find((file) => file.endsWith('.css'));
  if (!entry || !css) throw new Error(`expected the main .js and one .css output, got ${Object.keys(outputs).join(', ')}`);
  // The shell is the entry and every chunk it imports statically; the role areas'
  // dynamic imports stay out of the precache (and out of a resident's downloads).
  const shell = [];
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop();
    if (shell.includes(file)) continue;
    shell.push(file);
    for (const { path: imported, kind } of outputs[file].imports) {
      if (kind === 'import-statement' && !imported.startsWith('<')) pending.push(imported);
    }
  }
  const lazy = Object.keys(outputs).filter((file) => file.endsWith('.js') && !shell.includes(file));
  return { js: relative(entry), css: relative(css), precache: shell.map(relative), lazy: lazy.map(relative) };
}

async function writeManifest(messages) {
  const manifest = {
    id: './',
    name: `${messages.app.name} · ${messages.app.tagline}`,
    short_name: messages.app.name,
    description: messages.app.tagline,
    lang: 'zh-Hans',
    dir: 'ltr',
    start_url: './',
    scope: './',
    display: 'standalone',
    theme_color: THEME_COLOR,
    background_color: BACKGROUND_COLOR,
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
  await writeFile(path.join(DIST, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);
  return 'manifest.webmanifest';
}

async function writeIndex(messages, app) {
  const template = await readFile(path.join(SRC, 'index.html'), 'utf8');
  const values = {
    APP_NAME: messages.app.name,
    TAGLINE: messages.app.tagline,
    LOADING: messages.app.loading,
    LOAD_FAILED: messages.app.load_failed,
    RETRY: messages.app.retry,
    THEME_COLOR,
    CSS: app.css,
    JS: app.js,
  };
  const html = template.replace(/%([A-Z_]+)%/g, (match, name) => {
    if (!(name in values)) throw new Error(`index.html: unknown placeholder ${match}`);
    return escapeHtml(values[name]);
  });
  await writeFile(path.join(DIST, 'index.html'), html);
}

async function bundleServiceWorker(version, precache) {
  await esbuild.build({
    entryPoints: [path.join(SRC, 'sw', 'sw.js')],
    outfile: path.join(DIST, 'sw.js'),
    bundle: true,
    format: 'iife',
    minify: true,
    target: BROWSER_TARGETS,
    define: {
      __BUILD_VERSION__: JSON.stringify(version),
      __PRECACHE_URLS__: JSON.stringify(precache),
    },
    logLevel: 'warning',
  });
}

async function hashFiles(urls) {
  const hash = createHash('sha256');
  for (const url of urls) {
    const file = url === './' ? 'index.html' : url.split('?')[0];
    hash.update(url).update('\0').update(await readFile(path.join(DIST, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

function shortHash(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

async function reportSizes(version) {
  const rows = [];
  for (const file of await listFiles(DIST)) {
    const bytes = await readFile(path.join(DIST, file));
    rows.push([file, bytes.length, gzipSync(bytes, { level: 9 }).length]);
  }
  const width = Math.max(...rows.map(([file]) => file.length));
  console.log(`built dist/ (version ${version})`);
  for (const [file, raw, gzip] of rows) {
    console.log(`  ${file.padEnd(width)}  ${kb(raw).padStart(8)}  ${kb(gzip).padStart(8)} gzip`);
  }
}

async function listFiles(dir, prefix = '') {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(path.join(dir, entry.name), relative)));
    else files.push(relative);
  }
  return files.sort();
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
