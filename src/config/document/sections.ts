import type { SectionKind } from './model.js';

/**
 * Section headers Fluent Bit recognises (case-insensitive). The plural forms are recognised by
 * Fluent Bit's prefix comparison too, but observed behaviour (4.2.8) is that `[OUTPUTS]` is not
 * configured: logferry reports plural headers as `unknown-section` with a hint.
 */
const HEADERS: Readonly<Record<string, SectionKind>> = {
  service: 'service',
  input: 'input',
  filter: 'filter',
  output: 'output',
  parser: 'parser',
  multiline_parser: 'multiline_parser',
  plugins: 'plugins',
  custom: 'custom',
  stream_processor: 'stream_processor',
  upstream: 'upstream',
  node: 'node',
};

export const SECTION_NAMES: readonly string[] = Object.keys(HEADERS);

export function sectionKind(header: string): SectionKind | undefined {
  return HEADERS[header.trim().toLowerCase()];
}
