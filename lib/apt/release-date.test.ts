import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReleaseDate } from './index.js';

describe('parseReleaseDate', () => {
  const table: [string, number | undefined][] = [
    ['Sat, 10 Jun 2023 09:20:06 UTC', 1686388806],
    ['Sat, 10 Jun 2023 09:20:06 GMT', 1686388806],
    ['Sat, 10 Jun 2023 09:20:06 +0000', 1686388806],
    ['Sat, 10 Jun 2023 11:20:06 +0200', 1686388806],
    ['Sat, 10 Jun 2023 04:50:06 -0430', 1686388806],
    ['10 Jun 2023 09:20:06 UTC', 1686388806],
    ['Sat,  10 jun 2023 09:20:06 UTC', 1686388806],
    ['Sat, 10 Jun 2023 09:20 UTC', 1686388800],
    ['Thu, 1 Jan 1970 00:00:00 UTC', 0],
    ['Thu, 29 Feb 2024 12:00:00 UTC', Date.parse('2024-02-29T12:00:00Z') / 1000],
    ['Sat, 31 Dec 2016 23:59:60 UTC', Date.parse('2017-01-01T00:00:00Z') / 1000],
    ['Sat, 10 Jun 2023 09:20:06', undefined],
    ['Sat, 31 Jun 2023 09:20:06 UTC', undefined],
    ['Thu, 29 Feb 2023 12:00:00 UTC', undefined],
    ['Sat, 10 Jun 2023 24:00:00 UTC', undefined],
    ['Sat, 10 Jun 2023 09:61:00 UTC', undefined],
    ['Sat, 10 Foo 2023 09:20:06 UTC', undefined],
    ['Xyz, 10 Jun 2023 09:20:06 UTC', undefined],
    ['Sat, 10 Jun 2023 09:20:06 +0099', undefined],
    ['2023-06-10T09:20:06Z', undefined],
    ['', undefined],
  ];
  for (const [text, want] of table) it(JSON.stringify(text), () => assert.equal(parseReleaseDate(text), want));

  it('agrees with Date.parse on generated dates', () => {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    for (let t = 0; t < 4e9; t += 12_345_679) {
      const d = new Date(t * 1000);
      const p2 = (n: number) => String(n).padStart(2, '0');
      const text = `${days[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC`;
      assert.equal(parseReleaseDate(text), t, text);
    }
  });
});
