// tsc does not copy the generated JavaScript parser; put it next to the compiled wrapper.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'src/config/classic/generated'), join(root, 'dist/config/classic/generated'), { recursive: true });
// The Fluent Bit version tables are read at run time (src/config/versions/data.ts), not imported.
cpSync(join(root, 'src/config/versions/fluent-bit-options.json'), join(root, 'dist/config/versions/fluent-bit-options.json'));
