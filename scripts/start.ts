/**
 * `npm start`, first half: build the client if it is missing or stale, and the server to JavaScript
 * (scripts/serverBuild.ts). package.json then runs dist/server/main.js under plain node.
 */
import { ensureClientBuild } from './clientBuild';
import { buildServer } from './serverBuild';

ensureClientBuild();
await buildServer();
