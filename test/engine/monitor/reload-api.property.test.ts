import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageRequestRefusal } from '../../../src/engine/monitor/reload-api.js';

const headerValue = fc.string({ maxLength: 40 });
const notNone = headerValue.filter((v) => v.toLowerCase() !== 'none');

describe('pageRequestRefusal', () => {
  it('refuses every request carrying an Origin, whatever its value and Sec-Fetch-Site', () => {
    fc.assert(
      fc.property(headerValue, fc.option(headerValue, { nil: undefined }), (origin, site) => {
        expect(pageRequestRefusal({ origin, 'sec-fetch-site': site })).toBe(`the request comes from a web page (Origin: ${origin})`);
      }),
    );
  });

  it('without an Origin, refuses exactly the requests whose Sec-Fetch-Site is present and not "none"', () => {
    fc.assert(
      fc.property(fc.oneof(notNone, fc.constantFrom('none', 'NONE', 'None'), fc.constant(undefined)), (site) => {
        const refusal = pageRequestRefusal({ 'sec-fetch-site': site });
        if (site === undefined || site.toLowerCase() === 'none') expect(refusal).toBeUndefined();
        else expect(refusal).toBe(`the request comes from a web page (Sec-Fetch-Site: ${site})`);
      }),
    );
  });
});
