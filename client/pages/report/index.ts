/** The yearly report page: its model (`model.ts`, the rules without the DOM) and its view (`view.ts`). */
export { renderReportPage } from './view.ts';
export { valueHref } from '../hrefs.ts';
