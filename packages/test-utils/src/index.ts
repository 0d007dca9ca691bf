// Public entry point of @seqlab/test-utils (private): helpers that tests across the workspace share.
export { CHROMIUM_ARGS, DEBIAN_CHROMIUM, findChromium, launchChromium } from './chromium.js';
export type { ChromiumLocation, ChromiumSource } from './chromium.js';
export { bundleForBrowser, nodeBuiltinReferences } from './bundle.js';
export type { BrowserBundle, BrowserBundleOptions } from './bundle.js';
export { ISOLATION_HEADERS, launchChromiumFor, openBrowserPage, runPage, serveDirectory, servePage } from './browser-page.js';
export type { BrowserPage, PageRun, PageServer } from './browser-page.js';
export { WORKSPACE_ROOT, workspacePackage, workspacePackages } from './workspace.js';
export type { WorkspacePackage } from './workspace.js';
export { viteBuildPage } from './vite-build.js';
export type { ViteBuildOutcome } from './vite-build.js';
