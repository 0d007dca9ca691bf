// The CLI's version, injected from package.json at build time.
declare const __SEQLAB_CLI_VERSION__: string;

/** The version of @seqlab/cli. */
export const VERSION: string = __SEQLAB_CLI_VERSION__;
