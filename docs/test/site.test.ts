// The docs site: `typedoc` builds it with no warnings, every local href/src in it resolves, every exported function,
// constant and class has an @example (read from the JSON the same build writes), and headless Chromium renders the
// home page, a tutorial, an experiment (its chart) and an API page without console errors.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { launchChromium } from '@seqlab/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportsWithoutExample, PACKAGES, ROOT, type JsonReflection } from './extract.js';

/** Built here rather than in docs/site, so that a test run leaves the user's build alone. */
const SITE = join(ROOT, 'docs/.site-test');
/** The same build's project as JSON (`--json`), for the checks of the API's TSDoc. */
const API_JSON = join(SITE, 'api.json');
/** Screenshots for a person to look at (gitignored). */
const SCREENSHOTS = join(ROOT, 'docs/.screenshots');

let buildLog = '';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : [],
  );
}

/** The local targets of a page's href and src attributes (external, data and same-page links left out). */
function localLinks(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)]
    .map((m) => m[1])
    .filter((url) => url !== '' && !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(url))
    .map((url) => decodeURIComponent(url.replace(/[?#].*$/, '')));
}

beforeAll(() => {
  rmSync(SITE, { recursive: true, force: true });
  // treatWarningsAsErrors is on in typedoc.json: a warning fails the build, and so this beforeAll. One run writes both
  // the HTML and the JSON.
  buildLog = execFileSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', SITE, '--json', API_JSON], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 300_000);

describe('the docs site', () => {
  it('builds with no warnings or errors', () => {
    expect(buildLog).not.toMatch(/\[(warning|error)\]/);
    expect(existsSync(join(SITE, 'index.html'))).toBe(true);
  });

  it('has every guide page, every experiment and every package', () => {
    const documents = readdirSync(join(SITE, 'documents'));
    expect(documents).toContain('Get_started.html');
    // Each section's page (Tutorials.html, ...) and its children (Tutorials.An_RNN_from_scratch.html, ...).
    expect(documents.filter((f) => f.startsWith('Tutorials.')).length).toBe(1 + 9);
    expect(documents.filter((f) => f.startsWith('Guides.')).length).toBe(1 + 8);
    expect(documents.filter((f) => f.startsWith('Experiments.')).length).toBe(1 + 9);
    const modules = readdirSync(join(SITE, 'modules'));
    for (const pkg of ['tensor-core', 'autograd', 'recurrent', 'attention', 'datasets', 'kernels-wasm', 'onnx', 'bench']) {
      expect(modules).toContain(`_seqlab_${pkg}.html`);
    }
  });

  it('has no dead internal links', () => {
    const dead: string[] = [];
    const pages = htmlFiles(SITE);
    for (const page of pages) {
      for (const target of localLinks(readFileSync(page, 'utf8'))) {
        const path = target.startsWith('/') ? join(SITE, target) : resolve(dirname(page), target);
        if (!existsSync(path) || (statSync(path).isDirectory() && !existsSync(join(path, 'index.html')))) {
          dead.push(`${relative(SITE, page)} → ${target}`);
        }
      }
    }
    expect(pages.length).toBeGreaterThan(500);
    expect(dead).toEqual([]);
  });

  it('groups each package API by category, leaving nothing in Other', () => {
    const sections = (pkg: string) =>
      new Set([...readFileSync(join(SITE, 'modules', `_seqlab_${pkg}.html`), 'utf8').matchAll(/data-key="section-([A-Za-z]+)"/g)].map((m) => m[1]));
    expect([...sections('tensor-core')]).toEqual(expect.arrayContaining(['Tensors', 'Operations', 'Backends', 'Randomness']));
    expect([...sections('autograd')]).toEqual(expect.arrayContaining(['Autograd', 'Layers', 'Training', 'Checkpoints']));
    expect([...sections('recurrent')]).toEqual(expect.arrayContaining(['Layers', 'Models']));
    expect([...sections('datasets')]).toEqual(['Data']);
    for (const pkg of ['tensor-core', 'autograd', 'recurrent', 'attention', 'datasets', 'kernels-wasm', 'onnx', 'bench']) {
      expect(sections(pkg).has('Other'), pkg).toBe(false);
    }
  });

  describe('documents every exported function, constant and class with an @example', () => {
    // Interfaces and type aliases need none; a class's example may be on the class or its constructor.
    let coverage: ReturnType<typeof exportsWithoutExample> = {};
    beforeAll(() => {
      coverage = exportsWithoutExample(JSON.parse(readFileSync(API_JSON, 'utf8')) as JsonReflection, PACKAGES);
    });
    for (const pkg of PACKAGES) {
      it(pkg, () => {
        expect(coverage[pkg].checked, `exported functions, constants and classes of ${pkg}`).toBeGreaterThan(0);
        expect(coverage[pkg].missing, `${pkg} exports without an @example`).toEqual([]);
      });
    }
  });

  it('shows the experiments charts inline', () => {
    for (const name of ['speed', 'memory', 'gradients', 'copy', 'adding', 'bottleneck', 'charlm', 'attention-map', 'claims']) {
      const html = readFileSync(join(SITE, 'documents', `Experiments.${name}.html`), 'utf8');
      expect(html).toContain(`<img src="../media/${name}.svg"`);
      expect(readFileSync(join(SITE, 'media', `${name}.svg`), 'utf8')).toMatch(/^<svg/);
    }
  });
});

describe('the docs site in Chromium', () => {
  let server: Server;
  let origin = '';
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = join(SITE, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!path.startsWith(SITE) || !existsSync(path) || statSync(path).isDirectory()) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(() => new Promise<void>((done) => server?.close(() => done())));

  const pages = [
    { name: 'home', path: '/index.html', heading: 'seqlab' },
    { name: 'tutorial', path: '/documents/Tutorials.An_RNN_from_scratch.html', heading: 'An RNN from scratch' },
    { name: 'experiment', path: '/documents/Experiments.copy.html', heading: 'copy', chart: 'copy.svg' },
    { name: 'api', path: '/classes/_seqlab_recurrent.LSTM.html', heading: 'LSTM' },
  ];

  it('renders the home page, a tutorial, an experiment and an API page without console errors', async () => {
    const browser = await launchChromium();
    try {
      for (const spec of pages) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('console', (msg) => void (msg.type() === 'error' && errors.push(msg.text())));
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('requestfailed', (r) => errors.push(`${r.url()} failed`));
        const response = await page.goto(origin + spec.path, { waitUntil: 'load' });
        expect(response?.status(), spec.path).toBe(200);
        expect(await page.locator('h1').first().innerText(), spec.path).toContain(spec.heading);
        // The navigation is built by the theme's script: its presence means the page's JavaScript ran.
        await page.waitForSelector('.tsd-navigation a', { timeout: 10_000 });
        if (spec.chart !== undefined) {
          const width = await page.locator(`img[src$="${spec.chart}"]`).evaluate((img: HTMLImageElement) => img.naturalWidth);
          expect(width, `${spec.chart} decoded`).toBeGreaterThan(100);
        }
        await page.screenshot({ path: join(SCREENSHOTS, `${spec.name}.png`), fullPage: false });
        expect(errors, spec.path).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
