import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KubeTagParser } from '../../../../src/plugins/filters/kubernetes/tag-parser.js';

const PREFIX = 'kube.var.log.containers.';
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const dnsLabel = fc
  .tuple(alnum, fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), { maxLength: 20 }), alnum)
  .map(([a, mid, b]) => `${a}${mid.join('')}${b}`);
/** A DNS-1123 subdomain: labels joined by dots. */
const podName = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
const namespace = dnsLabel;
const container = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), { minLength: 1, maxLength: 30 }).map((c) => c.join(''));
const id = fc.array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 }).map((c) => c.join(''));

describe('KubeTagParser (property)', () => {
  const parser = new KubeTagParser(PREFIX, undefined);

  it('reads back the pod, namespace, container and id of any tail tag built from valid names', () => {
    fc.assert(
      fc.property(podName, namespace, container, id, (pod, ns, c, d) => {
        const r = parser.parse(`${PREFIX}${pod}_${ns}_${c}-${d}.log`);
        expect(r).toEqual({ ok: true, info: { podName: pod, namespace: ns, container: c, dockerId: d, containerHash: undefined } });
      }),
    );
  });

  it('never throws, whatever the tag', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (tag) => {
        const r = parser.parse(tag);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
