import { ensureClientBuild } from '../../scripts/clientBuild';

/** The tests serve dist/client, so make sure it matches the sources. */
export default function globalSetup(): void {
  ensureClientBuild();
}
