/**
 * The dependency rule of Moat (docs/architecture.md). Layers, bottom up:
 *
 *   util → models → doors | knowledge → report → features → cli | server
 *
 * A module imports only from its own layer or the layers below it. Doors (readers of outside
 * data) and knowledge (rules, vulnerability matching) stand side by side on the models and never
 * import each other: a rule judges a model, whichever door it came through. No import cycle
 * exists, and product code never imports tests or test-support (neither ships in dist/).
 * Checked in `npm test` by `npm run deps`; a violation names the offending import.
 */
const layers = [['util'], ['models'], ['doors', 'knowledge'], ['report'], ['features'], ['cli', 'server']];
const notTest = '(\\.test\\.ts$|/test-support/)';
const alt = (names) => names.join('|');

module.exports = {
  forbidden: [
    ...layers.slice(0, -1).flatMap((group, i) => {
      const above = layers.slice(i + 1).flat();
      const below = layers.slice(0, i + 1).flat();
      return group.map((layer) => ({
        name: `layer-${layer}`,
        comment: `src/${layer}/ may import only from ${below.filter((l) => !group.includes(l) || l === layer).join(', ')}, never from ${above.join(', ')}. Move the shared type down into models/ or the code up.`,
        severity: 'error',
        from: { path: `^src/${layer}/`, pathNot: notTest },
        to: { path: `^src/(${alt([...above, ...group.filter((l) => l !== layer)])})/` },
      }));
    }),
    {
      name: 'no-cycle',
      comment: 'Import cycles hide the layering: break the cycle by moving the shared part into its own module.',
      severity: 'error',
      from: { path: '^src/', pathNot: notTest },
      to: { circular: true, viaOnly: { pathNot: notTest } },
    },
    {
      name: 'no-test-code-in-product',
      comment: 'Product code never imports tests or test-support (they do not ship in dist/).',
      severity: 'error',
      from: { path: '^src/', pathNot: notTest },
      to: { path: `${notTest}|^test/` },
    },
    {
      name: 'no-shared-dir',
      comment: 'Tests are self-contained: nothing reads ../shared.',
      severity: 'error',
      from: {},
      to: { path: '^\\.\\./shared' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
