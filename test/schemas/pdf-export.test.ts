import { describe, expect, it } from 'vitest';
import { defaultReportYear } from '../../schemas/pdf-export.ts';

const YEARS_2020 = [2020, 2021, 2022, 2023, 2024, 2025];
const YEARS_2026 = [2026, 2027, 2028, 2029, 2030, 2031];

describe('defaultReportYear', () => {
  it.each([
    [YEARS_2020, 2022, 2021],
    [YEARS_2020, 2026, 2025],
    [YEARS_2020, 2031, 2025],
    [YEARS_2020, 2020, 2020],
    [YEARS_2026, 2026, 2026],
    [YEARS_2026, 2028, 2027],
  ])('proposes for the programme %j in %i the report of %i (the last finished year, inside the programme)', (years, now, expected) => {
    expect(defaultReportYear(years, now)).toBe(expected);
  });
});
