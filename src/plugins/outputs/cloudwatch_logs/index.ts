import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { CLOUDWATCH_LOGS_OPTIONS, checkCloudwatchLogs, checkCloudwatchLogsRoutes } from './options.js';

/** `cloudwatch_logs`: sends records to Amazon CloudWatch Logs with PutLogEvents (Fluent Bit `out_cloudwatch_logs`). */
export default defineOutput({
  name: 'cloudwatch_logs',
  description: 'Send records to Amazon CloudWatch Logs',
  options: CLOUDWATCH_LOGS_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./cloudwatch-output.js')).CloudWatchLogsOutput(options, ctx),
  check: checkCloudwatchLogs,
  checkRoutes: checkCloudwatchLogsRoutes,
});
