import { describe, expect, it } from 'vitest';
import { parseRoute, programmesHref, reportHref } from '../../client/router.ts';

describe('the report address', () => {
  it.each([
    ['#/plan/p1/rapport', { page: 'report', planId: 'p1', year: null, kind: null, focus: null }],
    ['#/plan/p1/rapport/2021', { page: 'report', planId: 'p1', year: 2021, kind: null, focus: null }],
    ['#/plan/p1/rapport/tout', { page: 'report', planId: 'p1', year: null, kind: null, focus: null }],
    ['#/plan/p1/rapport/2027?type=plan-initial', { page: 'report', planId: 'p1', year: 2027, kind: 'plan-initial', focus: null }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('is written back as it is read, with or without a year and a kind', () => {
    expect(reportHref('p1', 2021)).toBe('#/plan/p1/rapport/2021');
    expect(reportHref('p1')).toBe('#/plan/p1/rapport');
    expect(reportHref('p1', 2028, 'justification-financiere')).toBe('#/plan/p1/rapport/2028?type=justification-financiere');
    expect(parseRoute(reportHref('p 1', 2022))).toEqual({ page: 'report', planId: 'p 1', year: 2022, kind: null, focus: null });
    expect(parseRoute(reportHref('p1', null, 'plan-initial'))).toEqual({ page: 'report', planId: 'p1', year: null, kind: 'plan-initial', focus: null });
  });
});

describe('the programmes address', () => {
  it('reads the list and one programme, and is written back as it is read', () => {
    expect(parseRoute('#/programmes')).toEqual({ page: 'programmes', programmeId: null });
    expect(parseRoute(programmesHref('pcs-2027'))).toEqual({ page: 'programmes', programmeId: 'pcs-2027' });
    expect(programmesHref()).toBe('#/programmes');
  });
});
