import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { KUBERNETES_OPTIONS, checkKubernetes } from './options.js';

/** `kubernetes`: add pod metadata (labels, annotations, ids) to container log records. */
export default defineFilter({
  name: 'kubernetes',
  description: 'Enrich container log records with Kubernetes pod metadata',
  options: KUBERNETES_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./kubernetes-filter.js')).KubernetesFilter(options, ctx),
  check: checkKubernetes,
});
