// pino's worker thread runs without the parent's --import flags: this target registers tsx in
// the worker, then loads the transport from source (what `logferry/pino` is once built).
import { register } from 'tsx/esm/api';

register();
const { default: transport } = await import(new URL('../../../src/transports/pino.ts', import.meta.url).href);
export default transport;
