// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/ (scripts/bundle.mjs). dist/bundle
// sits at the same depth as dist/cli, so paths computed from import.meta.url (package.json,
// fixtures) resolve the same.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Chunk names carry content hashes: without this, every build would leave the last one's behind.
rmSync(join(root, 'dist/bundle'), { recursive: true, force: true });
await bundle({ entry: join(root, 'dist/cli/main.js'), outdir: join(root, 'dist/bundle') });
