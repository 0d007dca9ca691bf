// pnpm hooks: what `pnpm pack` and `pnpm publish` put in each published package.json.

/**
 * Drops the fields that only make sense inside this repository: `scripts` (they run tsup, benchmarks and examples
 * from files the tarball does not hold) and `devDependencies`. Users get the manifest they need and nothing else.
 */
function beforePacking(pkg) {
  delete pkg.scripts;
  delete pkg.devDependencies;
  return pkg;
}

module.exports = { hooks: { beforePacking } };
