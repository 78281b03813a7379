/** The `kubernetes_namespace` map from a Namespace document: name, then labels and annotations when asked for. */
import type { LogRecord } from '../../../record/event.js';
import { mapAt } from './pod-meta.js';

export function namespaceMap(doc: unknown, name: string, s: { readonly labels: boolean; readonly annotations: boolean }): LogRecord {
  const meta = mapAt(doc, 'metadata');
  const out: LogRecord = { name };
  const labels = mapAt(meta, 'labels');
  if (s.labels && labels !== undefined) out['labels'] = labels;
  const annotations = mapAt(meta, 'annotations');
  if (s.annotations && annotations !== undefined) out['annotations'] = annotations;
  return out;
}
