import type { PlanInstance, ServiceOptions } from './types.js';

export type StorageType = 'memory' | 'filesystem' | 'memrb';

/**
 * The buffer an input uses: its own `storage.type` if set; otherwise the [SERVICE] storage.type
 * when storage.inherit is on; otherwise memory (Fluent Bit's `flb_storage_input_create`).
 */
export function inputStorageType(service: ServiceOptions, instance: PlanInstance<'input'>): StorageType {
  if (instance.setKeys.has('storage.type')) return instance.options['storage.type'];
  if (service['storage.inherit'] && service['storage.type']) return service['storage.type'];
  return 'memory';
}
