/**
 * What Fluent Bit reads from `Kube_URL` (`flb_kube_conf_create`): the scheme must be exactly
 * `http://` or `https://`; the host runs to the first `:` (or the end), and the port is atoi of the
 * rest (443 when absent). A path is not supported: without a port it becomes part of the host name.
 */
export interface KubeApiEndpoint {
  readonly https: boolean;
  readonly host: string;
  readonly port: number;
}

export function parseKubeUrl(url: string): KubeApiEndpoint | undefined {
  const scheme = /^https?:\/\//.exec(url);
  if (!scheme) return undefined;
  const rest = url.slice(scheme[0].length);
  const colon = rest.indexOf(':');
  const https = scheme[0] === 'https://';
  if (colon < 0) return { https, host: rest, port: 443 };
  const digits = /^[ \t\n\v\f\r]*[+-]?\d+/.exec(rest.slice(colon + 1));
  return { https, host: rest.slice(0, colon), port: digits ? Number.parseInt(digits[0], 10) : 0 };
}
