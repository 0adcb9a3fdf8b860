// Two projects: unit tests need no server; integration tests run against the real Temporal dev server and
// the real Neo4j, which test/integration/globalSetup.ts starts on test ports (17233, 17687) and stops after.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];
module.exports = {
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
