/**
 * Reads Kubernetes manifests (one or more YAML documents) far enough to validate Fluent Bit
 * configurations shipped in ConfigMaps: each ConfigMap's name, namespace and `data` entries, with
 * the position of every character of each data value, and each Namespace's labels.
 *
 * YAML is read as Kubernetes reads it (YAML 1.1: unquoted `true`, `yes`, `on` and numbers are not
 * strings, and Kubernetes rejects them as ConfigMap data).
 */
import { isMap, isScalar, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { makeDiagnostic, type Diagnostic, type Span } from '../../diagnostics/diagnostic.js';
import { findTooDeep } from '../yaml/depth.js';
import { anchorMap, LineIndex, scalarMap, type PositionMap } from './position-map.js';
import { decodeBlockScalar, decodeFlowScalar, type DecodedScalar, type ScalarStyle } from './scalar-text.js';

/** One entry of a ConfigMap's `data`. */
export interface DataEntry {
  readonly key: string;
  readonly keySpan: Span;
  /** The value, or undefined when it is not a string (Kubernetes rejects the ConfigMap then). */
  readonly value: string | undefined;
  readonly valueSpan: Span;
  /** Maps positions in `value` to the manifest. */
  readonly map: PositionMap;
}

export interface ConfigMapDocument {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** Where a problem with the name, namespace or whole document is reported. */
  readonly nameSpan: Span;
  readonly namespaceSpan: Span | undefined;
  /** The `data` key (the whole document when there is none). */
  readonly dataSpan: Span;
  readonly data: readonly DataEntry[];
}

export interface NamespaceDocument {
  readonly name: string | undefined;
  readonly nameSpan: Span;
  readonly labels: ReadonlyMap<string, string>;
}

/** Any Kubernetes object of the manifest (ConfigMaps and Namespaces included). */
export interface ObjectDocument {
  readonly kind: string;
  readonly name: string | undefined;
  readonly kindSpan: Span;
}

export interface Manifest {
  readonly file: string;
  readonly text: string;
  readonly objects: readonly ObjectDocument[];
  readonly configMaps: readonly ConfigMapDocument[];
  readonly namespaces: readonly NamespaceDocument[];
  /** YAML errors and ConfigMaps Kubernetes would reject. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Whether a file name says YAML (the only files inspected for manifests). */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Reads a manifest; undefined when no document of the file is a ConfigMap or another Kubernetes
 * object (`apiVersion` and `kind`): then the file is something else, e.g. a Fluent Bit YAML
 * configuration. Never throws.
 */
export function readManifest(file: string, text: string): Manifest | undefined {
  // Too deep for the yaml library: not read as a manifest, so the configuration reader reports it.
  if (findTooDeep(text)) return undefined;
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { version: '1.1' }) as Document.Parsed[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs) || !docs.some((d) => kindOf(d) === 'ConfigMap' || isKubernetesObject(d))) return undefined;
  const lines = new LineIndex(text);
  const reader = new ManifestReader(file, text, lines);
  for (const doc of docs) reader.document(doc);
  return { file, text, objects: reader.objects, configMaps: reader.configMaps, namespaces: reader.namespaces, diagnostics: reader.diagnostics };
}

/** A document with a string `apiVersion` and `kind`, which no Fluent Bit YAML configuration has. */
function isKubernetesObject(doc: Document.Parsed): boolean {
  if (!isMap(doc.contents)) return false;
  const apiVersion = pairOf(doc.contents, 'apiVersion')?.value;
  return typeof kindOf(doc) === 'string' && isScalar(apiVersion) && typeof apiVersion.value === 'string';
}

function kindOf(doc: Document.Parsed): unknown {
  if (!isMap(doc.contents)) return undefined;
  const value = pairOf(doc.contents, 'kind')?.value;
  return isScalar(value) ? value.value : undefined;
}

function pairOf(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return (map.items as Pair<Node, Node | null>[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

class ManifestReader {
  readonly objects: ObjectDocument[] = [];
  readonly configMaps: ConfigMapDocument[] = [];
  readonly namespaces: NamespaceDocument[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  span(start: number, end: number): Span {
    return { file: this.file, start: this.lines.at(start), end: this.lines.at(Math.max(start, end)) };
  }

  nodeSpan(node: Node | null | undefined, fallback: Span): Span {
    return node?.range ? this.span(node.range[0], node.range[1]) : fallback;
  }

  document(doc: Document.Parsed): void {
    for (const err of doc.errors) {
      this.diagnostics.push(
        makeDiagnostic({
          code: 'invalid-configmap',
          message: `YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          span: this.span(err.pos[0], err.pos[1]),
        }),
      );
    }
    const root = doc.contents;
    if (!isMap(root)) return;
    const docSpan = this.span(doc.range[0], doc.range[0]);
    const kind = kindOf(doc);
    const metadataPair = pairOf(root, 'metadata');
    const metadata = isMap(metadataPair?.value) ? metadataPair.value : undefined;
    const namePair = metadata ? pairOf(metadata, 'name') : undefined;
    const name = isScalar(namePair?.value) ? String(namePair.value.value) : undefined;
    const nameSpan = this.nodeSpan(namePair?.value ?? metadataPair?.key ?? pairOf(root, 'kind')?.value, docSpan);
    if (typeof kind === 'string') this.objects.push({ kind, name, kindSpan: this.nodeSpan(pairOf(root, 'kind')?.value, docSpan) });
    if (kind === 'Namespace') {
      const labelsPair = metadata ? pairOf(metadata, 'labels') : undefined;
      const labels = new Map<string, string>();
      if (isMap(labelsPair?.value)) {
        for (const p of labelsPair.value.items as Pair<Node, Node | null>[]) {
          if (isScalar(p.key) && isScalar(p.value)) labels.set(String(p.key.value), String(p.value.value));
        }
      }
      this.namespaces.push({ name, nameSpan, labels });
      return;
    }
    if (kind !== 'ConfigMap') return;
    const namespacePair = metadata ? pairOf(metadata, 'namespace') : undefined;
    const dataPair = pairOf(root, 'data');
    const dataSpan = this.nodeSpan(dataPair?.key, docSpan);
    this.configMaps.push({
      name,
      namespace: isScalar(namespacePair?.value) ? String(namespacePair.value.value) : undefined,
      nameSpan,
      namespaceSpan: namespacePair ? this.nodeSpan(namespacePair.value, this.nodeSpan(namespacePair.key, nameSpan)) : undefined,
      dataSpan,
      data: this.data(dataPair, dataSpan),
    });
  }

  private data(pair: Pair<Node, Node | null> | undefined, dataSpan: Span): DataEntry[] {
    if (!pair || pair.value === null || (isScalar(pair.value) && pair.value.value === null)) return [];
    if (!isMap(pair.value)) {
      this.report('data of a ConfigMap must be a map of keys to strings', this.nodeSpan(pair.value, dataSpan));
      return [];
    }
    const entries: DataEntry[] = [];
    for (const p of pair.value.items as Pair<Node, Node | null>[]) {
      const keySpan = this.nodeSpan(p.key, dataSpan);
      const key = isScalar(p.key) ? (p.key.source ?? String(p.key.value)) : String(p.key);
      const node = p.value;
      const valueSpan = this.nodeSpan(node, keySpan);
      if (!isScalar(node) || typeof node.value !== 'string') {
        const what = node === null || (isScalar(node) && node.value === null) ? 'empty' : isScalar(node) ? `a ${typeof node.value}` : 'not a string';
        this.report(`the value of data key '${key}' is ${what}; Kubernetes accepts only strings as ConfigMap data`, isScalar(node) ? valueSpan : keySpan, isScalar(node) && node.value !== null ? `quote it: "${node.source ?? String(node.value)}"` : undefined);
        entries.push({ key, keySpan, value: undefined, valueSpan, map: anchorMap(valueSpan.start) });
        continue;
      }
      const parentIndent = keySpan.start.column - 1;
      const decoded = this.decode(node.type as ScalarStyle | undefined, node.range![0], node.range![1], parentIndent);
      const exact = decoded !== undefined && decoded.text === node.value;
      entries.push({ key, keySpan, value: node.value, valueSpan, map: exact ? scalarMap(decoded, this.lines) : anchorMap(valueSpan.start) });
      if (node.type === 'BLOCK_FOLDED' && decodeBlockScalar(this.text, node.range![0], parentIndent, 'literal').text !== node.value) {
        this.report(`the value of '${key}' is a folded block scalar (>): YAML joins its lines with spaces`, this.span(node.range![0], node.range![0] + 1), 'use a literal block scalar (|) for configuration text', 'warning');
      }
    }
    return entries;
  }

  private decode(style: ScalarStyle | undefined, start: number, end: number, parentIndent: number): DecodedScalar | undefined {
    switch (style) {
      case 'BLOCK_LITERAL':
      case 'BLOCK_FOLDED':
        return decodeBlockScalar(this.text, start, parentIndent);
      case 'QUOTE_DOUBLE':
      case 'QUOTE_SINGLE':
        return decodeFlowScalar(this.text, start + 1, end - 1, style);
      case 'PLAIN':
        return decodeFlowScalar(this.text, start, end, style);
      default:
        return undefined;
    }
  }

  private report(message: string, span: Span, hint?: string, severity?: 'warning'): void {
    this.diagnostics.push(makeDiagnostic({ code: 'invalid-configmap', message, span, hint, ...(severity ? { severity } : {}) }));
  }
}
