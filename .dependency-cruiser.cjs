/**
 * The project's dependency rules (docs/architecture.md), checked by `npm run deps` in CI.
 * Type-only imports count: a cycle through types is still a cycle of meaning.
 */
const SOURCES = '^(api\\.ts|bench|checker|cli|explore|formats|generator|io|kernel|model|ops|parallel|properties|reports|run|scenario|shrinkers)/?';
const IO_MODULES = '^(node:)?(fs|child_process|net|dgram|http|https|http2|readline|worker_threads|os|cluster|tty|dns|inspector)($|/)';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No import cycle anywhere.', from: {}, to: { circular: true } },
    {
      name: 'model-is-the-core',
      severity: 'error',
      comment: 'model/ is the pure state machine: it imports only model/ and the scenario types.',
      from: { path: '^model/' },
      to: { pathNot: ['^model/', '^scenario/types\\.ts$', '^node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'model-no-node',
      severity: 'error',
      comment: 'model/ is deterministic and does no I/O: no Node built-in at all.',
      from: { path: '^model/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'io-at-the-edges',
      severity: 'error',
      comment: 'Only cli/, kernel/, io/ (files), parallel/ (worker threads) and bench/ touch the system.',
      from: { path: SOURCES, pathNot: '^(cli|kernel|io|parallel|bench)/' },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment: 'Nothing but the CLI itself (and bin/) imports cli/.',
      from: { path: SOURCES, pathNot: '^cli/' },
      to: { path: '^cli/' },
    },
    {
      name: 'reports-render',
      severity: 'error',
      comment: 'reports/ renders what it is given; writing files is io/ (the C reproducer reads the package\'s own runtime through io/root.ts).',
      from: { path: '^reports/' },
      to: { path: '^(cli|parallel|bench)/|^io/(?!root\\.ts$)' },
    },
    {
      name: 'formats-are-data',
      severity: 'error',
      comment: 'formats/ describes and parses documents: it runs nothing and writes nothing.',
      from: { path: '^formats/' },
      to: { path: '^(cli|io|kernel|parallel|bench|run|reports|shrinkers)/' },
    },
    {
      name: 'scenario-below-the-runners',
      severity: 'error',
      comment: 'The scenario language (types, fields, bind) does not know who runs it.',
      from: { path: '^scenario/(types|fields|bind|expect|json-position)\\.ts$' },
      to: { path: '^(model|run|kernel|properties|checker|explore|reports|shrinkers|generator|cli|io|parallel|bench)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|build|\\.stryker-tmp|scratch|\\.mutation|test|bench/holdout)/' },
    doNotFollow: { path: 'node_modules' },
  },
};
