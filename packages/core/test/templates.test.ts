import { describe, expect, it } from 'vitest';
import { formatExpiry } from '../src/delivery/templates.js';

// The reference: ICU's en-US long date and short time in UTC, whose spaces vary by ICU version (U+202F).
const intl = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const reference = (ms: number) => `${intl.format(ms).replace(/\s/g, ' ')} UTC`;

describe('formatExpiry', () => {
  it('writes what Intl writes for en-US long date and short time in UTC', () => {
    // Midnight, noon, the minutes around them, single-digit days, every month, a leap day, two years.
    const cases = [Date.UTC(2026, 0, 1, 0, 0), Date.UTC(2026, 0, 1, 12, 0), Date.UTC(2028, 1, 29, 23, 59)];
    for (let month = 0; month < 12; month++) {
      for (const [day, hour, minute] of [
        [1, 0, 5],
        [9, 11, 59],
        [15, 12, 1],
        [28, 13, 30],
      ] as const) {
        cases.push(Date.UTC(2026, month, day, hour, minute), Date.UTC(2031, month, day, hour, minute, 59));
      }
    }
    for (const ms of cases) expect(formatExpiry(ms)).toBe(reference(ms));
    expect(formatExpiry(Date.UTC(2026, 11, 22, 16, 51))).toBe('December 22, 2026 at 4:51 PM UTC');
  });
});
