// findChromium needs nothing beyond `pnpm install`: $SEQLAB_BROWSER first, Debian's Chromium when present, else the one
// @sparticuz/chromium ships; the browser it finds runs pages with WebGL2 (on SwiftShader where there is no GPU).
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, findChromium, launchChromium, runPage, servePage } from '@seqlab/test-utils';

const saved = process.env.SEQLAB_BROWSER;

afterEach(() => {
  if (saved === undefined) delete process.env.SEQLAB_BROWSER;
  else process.env.SEQLAB_BROWSER = saved;
});

interface GraphicsResult {
  webgl2: boolean;
  renderer: string;
}

// No bundle needed: the page reports whether it has WebGL2 and which renderer serves it.
const GRAPHICS_PAGE = `
const gl = document.createElement('canvas').getContext('webgl2');
const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
globalThis.seqlabResult = { webgl2: gl !== null, renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : '' };
`;

describe('findChromium', () => {
  it("uses Debian's Chromium when present, else the one @sparticuz/chromium ships (no apt, nothing fetched)", async () => {
    delete process.env.SEQLAB_BROWSER;
    const found = await findChromium();
    expect(found.source).toBe(existsSync(DEBIAN_CHROMIUM) ? 'debian' : '@sparticuz/chromium');
    expect(existsSync(found.executablePath)).toBe(true);
    // A second call (another test in the same file) reuses the unpacked binary.
    expect(await findChromium()).toEqual(found);
  });

  it('prefers $SEQLAB_BROWSER, and names it when it does not exist', async () => {
    delete process.env.SEQLAB_BROWSER;
    const { executablePath } = await findChromium();
    process.env.SEQLAB_BROWSER = executablePath;
    expect(await findChromium()).toEqual({ executablePath, source: 'SEQLAB_BROWSER' });
    process.env.SEQLAB_BROWSER = '/nonexistent/chromium';
    await expect(findChromium()).rejects.toThrow(/SEQLAB_BROWSER names \/nonexistent\/chromium, which does not exist/);
  });

  it('finds a browser that launches headless and runs pages with WebGL2', async () => {
    delete process.env.SEQLAB_BROWSER;
    const browser = await launchChromium();
    const server = await servePage(GRAPHICS_PAGE);
    try {
      expect(browser.version()).toMatch(/^\d+\./);
      const { result, pageErrors } = await runPage<GraphicsResult>(browser, server.url({ isolated: false }));
      expect(pageErrors).toEqual([]);
      expect(result.webgl2).toBe(true);
      expect(result.renderer).toMatch(/SwiftShader|ANGLE/i);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
