// Finding and launching a headless Chromium for browser tests: $SEQLAB_BROWSER, Debian's, or the one @sparticuz/chromium ships.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where {@link findChromium} found its browser. */
export type ChromiumSource = 'SEQLAB_BROWSER' | 'debian' | '@sparticuz/chromium';

/** A Chromium binary and where it came from. */
export interface ChromiumLocation {
  /** Absolute path of the executable. */
  readonly executablePath: string;
  /** `SEQLAB_BROWSER` (the environment variable), `debian` (`/usr/bin/chromium`) or `@sparticuz/chromium` (npm). */
  readonly source: ChromiumSource;
}

/** Debian's Chromium (`apt-get install chromium`). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags every browser test launches Chromium with: no sandbox (tests run as root in CI), nothing fetched in the
 * background, and WebGL on SwiftShader (the software renderer both Debian's build and @sparticuz/chromium carry).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

const require = createRequire(import.meta.url);
let unpacked: Promise<string> | undefined;

/**
 * Unpacks @sparticuz/chromium's brotli-packed binary (with its SwiftShader libraries beside it) once per machine and
 * version, into `<tmpdir>/seqlab-chromium-<version>/`. The package itself unpacks to `<tmpdir>/chromium` without
 * guarding against a second process reading a half-written file, so it unpacks here into a private folder (it reads
 * TMPDIR at each call) that is then renamed into place: concurrent test files never see a partial binary.
 */
async function unpackSparticuzChromium(): Promise<string> {
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const home = join(tmpdir(), `seqlab-chromium-${version}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;
  const staging = mkdtempSync(join(tmpdir(), `seqlab-chromium-${version}-`));
  const { default: Chromium } = await import('@sparticuz/chromium');
  const savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await Chromium.executablePath();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
  }
  try {
    renameSync(staging, home);
  } catch (error) {
    // Another process renamed its copy into place first: use that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/**
 * The Chromium that browser tests drive: `$SEQLAB_BROWSER` when set (it must exist), else Debian's
 * `/usr/bin/chromium` when present, else the Chromium that the npm package `@sparticuz/chromium` ships (unpacked to
 * the temporary folder on first use, about two seconds), so `pnpm test` needs nothing beyond `pnpm install`.
 *
 * @example
 * ```ts
 * const { executablePath, source } = await findChromium();
 * console.log(`${source}: ${executablePath}`);
 * ```
 */
export async function findChromium(): Promise<ChromiumLocation> {
  const fromEnv = process.env.SEQLAB_BROWSER;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) {
      throw new Error(`findChromium: SEQLAB_BROWSER names ${fromEnv}, which does not exist; unset it to use ${DEBIAN_CHROMIUM} or @sparticuz/chromium`);
    }
    return { executablePath: fromEnv, source: 'SEQLAB_BROWSER' };
  }
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, source: 'debian' };
  unpacked ??= unpackSparticuzChromium().catch((error: unknown) => {
    unpacked = undefined;
    throw error;
  });
  return { executablePath: await unpacked, source: '@sparticuz/chromium' };
}

/**
 * Launches the Chromium of {@link findChromium} headless with {@link CHROMIUM_ARGS}, through playwright-core.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await browser.close();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath } = await findChromium();
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
}
