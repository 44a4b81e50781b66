/** Runs in every vitest worker before its test file (vite.config.ts, test.setupFiles). */
import { useTestPasswordHashing } from './helpers/testEnvironment';

useTestPasswordHashing();
