/** `npm start`: build the client if needed, then run the server. */
import { ensureClientBuild } from './clientBuild';

ensureClientBuild();
await import('../server/main');
