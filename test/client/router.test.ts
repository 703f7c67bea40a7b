import { describe, expect, it } from 'vitest';
import { parseRoute, programmesHref, reportHref } from '../../client/router.ts';

describe('the annual report address', () => {
  it.each([
    ['#/plan/p1/rapport', { page: 'report', planId: 'p1', year: null, focus: null }],
    ['#/plan/p1/rapport/2021', { page: 'report', planId: 'p1', year: 2021, focus: null }],
    ['#/plan/p1/rapport/tout', { page: 'report', planId: 'p1', year: null, focus: null }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('is written back as it is read, with or without a year', () => {
    expect(reportHref('p1', 2021)).toBe('#/plan/p1/rapport/2021');
    expect(reportHref('p1')).toBe('#/plan/p1/rapport');
    expect(parseRoute(reportHref('p 1', 2022))).toEqual({ page: 'report', planId: 'p 1', year: 2022, focus: null });
  });
});

describe('the programmes address', () => {
  it('reads the list and one programme, and is written back as it is read', () => {
    expect(parseRoute('#/programmes')).toEqual({ page: 'programmes', programmeId: null });
    expect(parseRoute(programmesHref('pcs-2027'))).toEqual({ page: 'programmes', programmeId: 'pcs-2027' });
    expect(programmesHref()).toBe('#/programmes');
  });
});
