import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { notActedOn, opt, unsupportedWhen } from '../../../options/kinds.js';
import { parseKubeUrl } from './kube-url.js';

export { parseKubeUrl, type KubeApiEndpoint } from './kube-url.js';

function checkKubeUrl(url: string, ctx: CheckContext): void {
  const endpoint = parseKubeUrl(url);
  if (!endpoint) {
    ctx.report('invalid-value', `Kube_URL '${url}' must start with http:// or https://`, {
      key: 'kube_url',
      hint: 'Fluent Bit compares the scheme case-sensitively and stops at startup otherwise',
    });
    return;
  }
  const afterScheme = url.slice(endpoint.https ? 8 : 7);
  if (endpoint.host.length === 0) {
    ctx.report('invalid-value', `Kube_URL '${url}' has no host`, { key: 'kube_url' });
  } else if (endpoint.host.includes('/')) {
    ctx.report('invalid-value', `Kube_URL '${url}': Fluent Bit takes '${endpoint.host}' as the host name (it does not support a path)`, {
      key: 'kube_url',
      severity: 'warning',
      hint: 'write only the scheme, host and optional port, e.g. https://kubernetes.default.svc:443',
    });
  } else if (afterScheme.includes(':')) {
    const portText = afterScheme.slice(afterScheme.indexOf(':') + 1);
    if (!/^\d+$/.test(portText) || endpoint.port < 1 || endpoint.port > 65535) {
      ctx.report('invalid-value', `Kube_URL '${url}': Fluent Bit reads the port '${portText}' as ${endpoint.port}`, {
        key: 'kube_url',
        severity: 'warning',
        hint: 'write a port number from 1 to 65535 and no path',
      });
    }
  }
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The CloudWatch pod-to-service association (EKS): none of its keys is acted on. */
const NO_POD_ASSOCIATION = 'the CloudWatch pod association is not implemented: no service or environment names are added';
const NO_DNS_WAIT = 'the filter does not wait for the API host to resolve at startup; metadata lookups start at once';
const POD_ASSOCIATION = {
  when: (v: boolean) => v,
  values: 'On',
  reason: NO_POD_ASSOCIATION,
  severity: 'warning',
} as const;

/** The options of `kubernetes` (its own keys; defineFilter merges the common ones). */
export const KUBERNETES_OPTIONS = {
  buffer_size: opt.size({ default: '32K', doc: 'Largest API server response accepted (0 = unlimited; larger responses fail the lookup)' }),
  'tls.debug': notActedOn(opt.int({ default: '0', doc: 'TLS debug level for API calls: 0 (none) to 4 (verbose)' }), 'TLS handshakes are not logged'),
  'tls.verify': opt.bool({ default: 'true', doc: "Verify the API server's TLS certificate" }),
  'tls.vhost': opt.string({ doc: 'Host name sent in TLS SNI to the API server' }),
  'tls.verify_hostname': opt.bool({ default: 'off', doc: "Check that the API server's certificate matches its host name" }),
  merge_log: opt.bool({ default: 'false', doc: "Parse the 'log' field (JSON or Merge_Parser) and add its fields to the record" }),
  merge_parser: opt.string({ references: 'parser', doc: "Parser for the 'log' field when Merge_Log is on (default: JSON)" }),
  merge_log_key: opt.string({ doc: 'Put the merged fields under this key instead of the top level' }),
  merge_log_trim: opt.bool({ default: 'true', doc: 'Strip trailing newlines from merged string values' }),
  keep_log: opt.bool({ default: 'true', doc: "Keep the original 'log' field after a successful merge" }),
  kube_url: opt.string({ default: 'https://kubernetes.default.svc', doc: 'API server URL: http:// or https://, host and optional port' }),
  kube_meta_preload_cache_dir: opt.string({ doc: 'Directory of pod metadata JSON files read before asking the API server' }),
  kube_ca_file: opt.string({ default: `${SERVICE_ACCOUNT}/ca.crt`, doc: 'CA certificate of the API server' }),
  kube_ca_path: opt.string({ doc: 'Directory of CA certificates for the API server' }),
  kube_tag_prefix: opt.string({
    default: 'kube.var.log.containers.',
    doc: 'Tag prefix removed (by length, unchecked) before the pod, namespace and container are read from the tag',
  }),
  kube_namespace_file: notActedOn(
    opt.string({ default: `${SERVICE_ACCOUNT}/namespace`, doc: "File holding this pod's namespace" }),
    "the filter's own namespace is not read: there is no startup connectivity check against it",
  ),
  kube_token_file: opt.string({ default: `${SERVICE_ACCOUNT}/token`, doc: 'Bearer token file for the API server' }),
  kube_token_command: opt.string({ doc: 'Command whose output is the bearer token (instead of Kube_Token_File)' }),
  labels: opt.bool({ default: 'true', doc: 'Add pod labels' }),
  annotations: opt.bool({ default: 'true', doc: 'Add pod annotations' }),
  owner_references: opt.bool({ default: 'false', doc: 'Add pod owner references' }),
  namespace_labels: opt.bool({ default: 'false', doc: 'Add namespace labels (under kubernetes_namespace)' }),
  namespace_annotations: opt.bool({ default: 'false', doc: 'Add namespace annotations (under kubernetes_namespace)' }),
  namespace_metadata_only: opt.bool({ default: 'false', doc: 'Fetch only namespace metadata, no pod metadata' }),
  'k8s-logging.parser': opt.bool({ default: 'false', doc: 'Let pods choose a parser with the fluentbit.io/parser annotation' }),
  'k8s-logging.exclude': opt.bool({ default: 'false', doc: 'Let pods drop their logs with the fluentbit.io/exclude annotation' }),
  use_journal: opt.bool({ default: 'false', doc: 'Read pod and container from journald CONTAINER_NAME instead of the tag' }),
  regex_parser: opt.string({ references: 'parser', doc: 'Regex parser that reads pod, namespace, container and id from the tag' }),
  dummy_meta: opt.bool({ default: 'false', doc: 'Add fixed fake metadata without calling the API server (testing)' }),
  dns_retries: notActedOn(opt.int({ default: '6', doc: 'DNS checks of the API host at startup before giving up' }), NO_DNS_WAIT),
  dns_wait_time: notActedOn(opt.time({ default: '30', doc: 'Wait between those DNS checks' }), NO_DNS_WAIT),
  cache_use_docker_id: opt.bool({ default: 'false', doc: 'Include the container id in the cache key (new metadata after a restart)' }),
  use_tag_for_meta: opt.bool({ default: 'false', doc: 'Build metadata from the tag only, without calling any API' }),
  use_kubelet: opt.bool({ default: 'false', doc: "Ask the node's kubelet (/pods) instead of the API server" }),
  kubelet_host: opt.string({ default: '127.0.0.1', doc: 'Kubelet host when Use_Kubelet is on' }),
  kubelet_port: opt.int({ default: '10250', min: 0, max: 65535, doc: 'Kubelet port when Use_Kubelet is on' }),
  kube_token_ttl: opt.time({ default: '10m', doc: 'Re-read the token file after this long' }),
  kube_meta_cache_ttl: opt.time({ default: '0', doc: 'Expire cached pod metadata after this long (0 = never; random eviction when full)' }),
  kube_meta_namespace_cache_ttl: opt.time({ default: '15m', doc: 'Expire cached namespace metadata after this long (0 = never)' }),
  aws_use_pod_association: unsupportedWhen(
    opt.bool({ default: 'false', doc: 'Add service and environment names from the CloudWatch agent pod-to-service map' }),
    POD_ASSOCIATION,
  ),
  use_pod_association: unsupportedWhen(opt.bool({ default: 'false', doc: 'Older name of Aws_Use_Pod_Association' }), POD_ASSOCIATION),
  aws_pod_association_host: notActedOn(
    opt.string({
      default: 'cloudwatch-agent.amazon-cloudwatch',
      doc: 'Host serving the pod-to-service map',
    }),
    NO_POD_ASSOCIATION,
  ),
  aws_pod_association_endpoint: notActedOn(opt.string({ default: '/kubernetes/pod-to-service-env-map', doc: 'Path of the pod-to-service map' }), NO_POD_ASSOCIATION),
  aws_pod_association_port: notActedOn(opt.int({ default: '4311', min: 0, max: 65535, doc: 'Port of the pod-to-service map host' }), NO_POD_ASSOCIATION),
  aws_pod_service_map_ttl: notActedOn(opt.int({ default: '0', doc: 'Seconds a pod-to-service entry is kept (0 = no expiry)' }), NO_POD_ASSOCIATION),
  aws_pod_service_map_refresh_interval: notActedOn(opt.int({ default: '60', doc: 'Seconds between refreshes of the pod-to-service map' }), NO_POD_ASSOCIATION),
  aws_pod_service_preload_cache_dir: notActedOn(opt.string({ doc: 'Directory of pod-to-service map files read at startup' }), NO_POD_ASSOCIATION),
  aws_pod_association_host_server_ca_file: notActedOn(
    opt.string({
      default: '/etc/amazon-cloudwatch-observability-agent-server-cert/tls-ca.crt',
      doc: 'CA certificate of the pod-to-service map host',
    }),
    NO_POD_ASSOCIATION,
  ),
  aws_pod_association_host_client_cert_file: notActedOn(
    opt.string({
      default: '/etc/amazon-cloudwatch-observability-agent-client-cert/client.crt',
      doc: 'Client certificate (mTLS) for the pod-to-service map host',
    }),
    NO_POD_ASSOCIATION,
  ),
  aws_pod_association_host_client_key_file: notActedOn(
    opt.string({
      default: '/etc/amazon-cloudwatch-observability-agent-client-cert/client.key',
      doc: 'Client key (mTLS) for the pod-to-service map host',
    }),
    NO_POD_ASSOCIATION,
  ),
  aws_pod_association_host_tls_debug: notActedOn(opt.int({ default: '0', doc: 'TLS debug level for the pod-to-service map host: 0 to 4' }), NO_POD_ASSOCIATION),
  aws_pod_association_host_tls_verify: notActedOn(opt.bool({ default: 'true', doc: "Verify the pod-to-service map host's certificate" }), NO_POD_ASSOCIATION),
  set_platform: notActedOn(opt.string({ doc: 'Force the platform to k8s or eks instead of detecting it (testing)' }), NO_POD_ASSOCIATION),
} as const;

/** The typed options the `kubernetes` runtime receives (common keys included). */
export type KubernetesOptions = OptionsOfTable<'filter', typeof KUBERNETES_OPTIONS>;

/** Cross-key rules of `kubernetes` (the definition's `check`). */
export function checkKubernetes(options: KubernetesOptions, ctx: CheckContext): void {
  // Kube_URL is only read when the filter talks to the API server.
  if (ctx.isSet('kube_url') && !options.use_tag_for_meta) checkKubeUrl(options.kube_url, ctx);
}

