// A pino app shipping its logs to CloudWatch Logs through logferry, in pino's worker thread.
import pino from 'pino';
import type { TransportOptions } from 'logferry/pino';

const lines = Number(process.env['LINES'] ?? 1000);

const options: TransportOptions = {
  output: 'cloudwatch_logs',
  region: 'us-east-1',
  log_group_name: 'shop',
  log_stream_name: 'checkout-pino',
  auto_create_group: true,
  // Keep retrying through an outage (Fluent Bit's default is one retry, then the chunk is dropped).
  Retry_Limit: 'no_limits',
  // A local endpoint (`logferry aws-local`) when one is given; AWS otherwise.
  ...(process.env['CLOUDWATCH_ENDPOINT'] ? { endpoint: process.env['CLOUDWATCH_ENDPOINT'] } : {}),
  service: { Flush: 1, Grace: 8, 'scheduler.base': 1, 'scheduler.cap': 2, Log_Level: 'warn' },
  // At most 4 MiB of records waiting for CloudWatch; then the transport stops reading pino's buffer.
  input: { Mem_Buf_Limit: '4M' },
};

const transport = pino.transport<TransportOptions>({ target: 'logferry/pino', options });
const logger = pino(transport).child({ service: 'checkout' });

for (let n = 0; n < lines; n++) {
  logger.info({ n, order: `o-${n}` }, 'order paid');
  // pino keeps in this thread what the transport has not read yet: while the pipeline is full
  // (CloudWatch down), wait for the transport every 1000 lines instead of growing that buffer.
  if (n % 1000 === 999) await new Promise<void>((resolve) => transport.flush(() => resolve()));
}

// Ends the transport: it delivers what it holds (within Grace), then its worker exits.
transport.end();
