/**
 * The ConfigMap-level rules of Fargate logging: name and namespace, data keys, flb_log_cw and the
 * size limit; then the embedded configuration is checked by `checkFargateConfig`.
 */
import type { FluentBitTarget } from '../versions/target.js';
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Plan } from '../plan/types.js';
import { checkFargateConfig, type ConfigPart } from './check.js';
import { checkConfigMapConfig, mainKeyOf, MAIN_KEYS } from './configmap-config.js';
import type { ConfigMapDocument, Manifest } from './manifest.js';
import { CONFIG_KEYS, DATA_KEYS, FARGATE_CONFIGMAP, FARGATE_MAX_CHARACTERS, FARGATE_NAMESPACE, type ConfigKey } from './rules.js';

const NAMESPACE_HINT = `Fargate reads only the ConfigMap ${FARGATE_CONFIGMAP} in the namespace ${FARGATE_NAMESPACE}, and only when that namespace has the label 'aws-observability: enabled'`;

export interface ManifestCheck {
  /** One plan per ConfigMap checked (with the Fargate rules, or as a Fluent Bit configuration). */
  readonly plans: Plan[];
  readonly diagnostics: Diagnostic[];
}

export interface ManifestOptions {
  /** Apply the Fargate rules to every ConfigMap, whatever its name. */
  readonly fargate: boolean;
  readonly rootDir: string;
  /** Variables for `${VAR}` in a ConfigMap holding a Fluent Bit configuration (default: none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The data key of that configuration's main file (default: fluent-bit.conf, fluent-bit.yaml). */
  readonly main?: string | undefined;
  /** The Fluent Bit that runs a ConfigMap's configuration (`validate --target`). */
  readonly target?: FluentBitTarget | undefined;
}

/**
 * Applies the Fargate rules to the `aws-logging` ConfigMaps of a manifest (to every ConfigMap with
 * `fargate`); validates the others that hold a Fluent Bit configuration (a main key) as one, its
 * data keys being the files it includes; the rest are reported as not checked.
 */
export function checkManifest(manifest: Manifest, options: ManifestOptions): ManifestCheck {
  const diagnostics: Diagnostic[] = [...manifest.diagnostics];
  const plans: Plan[] = [];
  for (const ns of manifest.namespaces) {
    if (ns.name !== FARGATE_NAMESPACE || ns.labels.get('aws-observability') === 'enabled') continue;
    diagnostics.push(
      makeDiagnostic({
        code: 'fargate-namespace',
        message: `namespace '${FARGATE_NAMESPACE}' has no label 'aws-observability: enabled'; Fargate does not use its ConfigMap`,
        span: ns.nameSpan,
        hint: NAMESPACE_HINT,
      }),
    );
  }
  if (manifest.configMaps.length === 0 && manifest.objects.length > 0) {
    const kinds = [...new Set(manifest.objects.map((o) => o.kind))].join(', ');
    diagnostics.push(
      makeDiagnostic({
        code: 'manifest-not-checked',
        message: `the manifest holds no ConfigMap (${kinds}); there is no Fluent Bit configuration in it to check`,
        span: manifest.objects[0]!.kindSpan,
        hint: 'validate the manifest of the ConfigMap the pods mount (it may be given in the same run)',
      }),
    );
  }
  for (const cm of manifest.configMaps) {
    if (cm.name === FARGATE_CONFIGMAP || options.fargate) {
      const checked = checkConfigMap(manifest, cm, options.rootDir, options.target);
      plans.push(checked.plan);
      diagnostics.push(...checked.diagnostics);
    } else if (mainKeyOf(cm, options.main) !== undefined) {
      const checked = checkConfigMapConfig(manifest, cm, mainKeyOf(cm, options.main)!, options.env ?? {}, options.target);
      plans.push(checked.plan);
      diagnostics.push(...checked.diagnostics);
    } else if (cm.namespace === FARGATE_NAMESPACE) {
      diagnostics.push(
        makeDiagnostic({
          code: 'fargate-namespace',
          message: `ConfigMap '${cm.name ?? ''}' is in namespace ${FARGATE_NAMESPACE} but is not named ${FARGATE_CONFIGMAP}; Fargate ignores it`,
          span: cm.nameSpan,
          hint: NAMESPACE_HINT,
        }),
      );
    } else {
      diagnostics.push(
        makeDiagnostic({
          code: 'configmap-not-checked',
          message: `ConfigMap '${cm.name ?? ''}' holds no Fluent Bit configuration (no data key ${options.main !== undefined ? `'${options.main}'` : MAIN_KEYS.join(', ')}) and is not the Fargate ${FARGATE_CONFIGMAP} ConfigMap; its data is not checked`,
          span: cm.nameSpan,
          hint: 'give --main <key> when its main Fluent Bit file has another name, or --fargate to check it with the Fargate rules',
        }),
      );
    }
  }
  return { plans, diagnostics };
}

function checkConfigMap(manifest: Manifest, cm: ConfigMapDocument, rootDir: string, target: FluentBitTarget | undefined): { plan: Plan; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  if (cm.name !== FARGATE_CONFIGMAP) {
    out.push(makeDiagnostic({ code: 'fargate-namespace', message: `the ConfigMap is named '${cm.name ?? ''}', not ${FARGATE_CONFIGMAP}; Fargate ignores it`, span: cm.nameSpan, hint: NAMESPACE_HINT }));
  }
  if (cm.namespace === undefined) {
    out.push(
      makeDiagnostic({
        code: 'fargate-namespace',
        message: `ConfigMap '${cm.name ?? ''}' has no namespace; kubectl puts it in the current namespace, but Fargate reads it only from ${FARGATE_NAMESPACE}`,
        span: cm.nameSpan,
        hint: NAMESPACE_HINT,
      }),
    );
  } else if (cm.namespace !== FARGATE_NAMESPACE) {
    out.push(
      makeDiagnostic({
        code: 'fargate-namespace',
        message: `ConfigMap '${cm.name ?? ''}' is in namespace '${cm.namespace}'; Fargate reads it only from ${FARGATE_NAMESPACE}`,
        span: cm.namespaceSpan ?? cm.nameSpan,
        hint: NAMESPACE_HINT,
      }),
    );
  }

  const parts: ConfigPart[] = [];
  let characters = 0;
  for (const entry of cm.data) {
    if (entry.value !== undefined) characters += [...entry.value].length;
    if (!DATA_KEYS.includes(entry.key)) {
      out.push(
        makeDiagnostic({
          code: 'fargate-key-not-allowed',
          message: `data key '${entry.key}' is not allowed in the ${FARGATE_CONFIGMAP} ConfigMap`,
          span: entry.keySpan,
          hint: `Fargate reads only ${DATA_KEYS.join(', ')}`,
        }),
      );
    } else if (entry.key === 'flb_log_cw') {
      if (entry.value !== undefined && entry.value !== 'true' && entry.value !== 'false') {
        out.push(
          makeDiagnostic({
            code: 'fargate-key-not-allowed',
            message: `flb_log_cw must be "true" or "false", not '${entry.value}'`,
            span: entry.valueSpan,
            hint: '"true" ships Fluent Bit\'s own logs to the CloudWatch group <cluster>-fluent-bit-logs',
          }),
        );
      }
    } else if (entry.value !== undefined) {
      parts.push({ role: entry.key as ConfigKey, file: manifest.file, text: entry.value, map: entry.map });
    }
  }
  if (characters > FARGATE_MAX_CHARACTERS) {
    out.push(
      makeDiagnostic({
        code: 'fargate-too-large',
        message: `the data of ConfigMap '${cm.name ?? ''}' is ${characters.toLocaleString('en-US')} characters; Fargate accepts at most ${FARGATE_MAX_CHARACTERS.toLocaleString('en-US')}`,
        span: cm.dataSpan,
        hint: 'counted as the total length of the data values (the texts without their YAML indentation); remove comments and padding',
      }),
    );
  }
  // Sections are read in a fixed key order (YAML maps have none): filters, outputs, parsers.
  const order = Object.keys(CONFIG_KEYS);
  parts.sort((a, b) => order.indexOf(a.role ?? '') - order.indexOf(b.role ?? ''));
  const outputKey = cm.data.find((e) => e.key === 'output.conf');
  const checked = checkFargateConfig({
    where: `the ${FARGATE_CONFIGMAP} ConfigMap`,
    parts,
    main: manifest.file,
    rootDir,
    files: [manifest.file],
    sources: new Map([[manifest.file, manifest.text]]),
    anchor: cm.dataSpan,
    outputAt: outputKey?.keySpan ?? cm.dataSpan,
    target,
  });
  return { plan: checked.plan, diagnostics: [...out, ...checked.diagnostics] };
}
