// Two projects: unit tests need no server; integration tests run against the real Temporal dev server and
// the real Neo4j, which test/integration/globalSetup.ts starts on test ports (17233, 17687) and stops after.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];
// hyparquet(-writer) is published as ES modules only: Node loads them with require(), jest's module system needs them transpiled
const esmPackages = ['hyparquet', 'hyparquet-writer'];
const esmTransform = {
  '^.+\\.ts$': tsJest,
  [`/node_modules/(${esmPackages.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmPackages.join('|')})/)`];
module.exports = {
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: esmTransform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: esmTransform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
