// A winston app shipping its logs to CloudWatch Logs through logferry.
import { once } from 'node:events';
import winston from 'winston';
import { LogferryTransport } from 'logferry/winston';

const lines = Number(process.env['LINES'] ?? 1000);

const transport = new LogferryTransport({
  output: 'cloudwatch_logs',
  region: 'us-east-1',
  log_group_name: 'shop',
  log_stream_name: 'checkout-winston',
  auto_create_group: true,
  // Keep retrying through an outage (Fluent Bit's default is one retry, then the chunk is dropped).
  Retry_Limit: 'no_limits',
  // A local endpoint (`logferry aws-local`) when one is given; AWS otherwise.
  ...(process.env['CLOUDWATCH_ENDPOINT'] ? { endpoint: process.env['CLOUDWATCH_ENDPOINT'] } : {}),
  service: { Flush: 1, Grace: 8, 'scheduler.base': 1, 'scheduler.cap': 2, Log_Level: 'warn' },
  // At most 4 MiB of records waiting for CloudWatch; then the transport answers winston later.
  input: { Mem_Buf_Limit: '4M' },
});

const logger = winston.createLogger({
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'checkout' },
  transports: [transport],
});

for (let n = 0; n < lines; n++) {
  logger.info('order paid', { n, order: `o-${n}` });
  // The transport answers once a record is buffered: while the pipeline is full (CloudWatch
  // down), winston's stream fills; wait for it to drain instead of growing it without bound.
  if (logger.writableLength >= logger.writableHighWaterMark) await once(logger, 'drain');
}

// Ending the logger ends the transport: it delivers what it holds (within Grace).
const finished = once(transport, 'finish');
logger.end();
await finished;
