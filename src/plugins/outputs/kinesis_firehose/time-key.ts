/** time_key formatting moved to shared/ (the kinesis_streams output uses it too); kept here for existing imports. */
export { formatTimeKey } from '../shared/time-key.js';
