import { describe, expect, it } from 'vitest';
import { defaultReportYear } from '../../schemas/pdf-export.ts';
import { loadReferenceData } from '../../server/reference.ts';

const { programmes } = loadReferenceData();

describe('defaultReportYear', () => {
  it.each(programmes.map((p) => [p.id, p.years] as const))('proposes, for %s, the last finished year brought inside the programme', (_id, years) => {
    const first = years[0]!;
    const last = years[years.length - 1]!;
    // During the programme: the year before.
    expect(defaultReportYear(years, first + 2)).toBe(first + 1);
    // Its first year: no year before inside the programme, so the first one.
    expect(defaultReportYear(years, first)).toBe(first);
    // After it: its last year.
    expect(defaultReportYear(years, last + 1)).toBe(last);
    expect(defaultReportYear(years, last + 6)).toBe(last);
  });
});
