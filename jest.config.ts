import type { Config } from 'jest';

// Jest loads this file through ts-node (TypeScript 5.x). Tests are transformed by @swc/jest;
// type checking is the separate `tsc --noEmit` that `npm test` runs first.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // An explicit reporter list keeps local and CI output identical (Jest 30 switches reporters on
  // some environment variables), and the plain summary line is what CI reads.
  reporters: ['default', '<rootDir>/test/support/plain-summary-reporter.js'],
  testTimeout: 60_000,
};

export default config;
