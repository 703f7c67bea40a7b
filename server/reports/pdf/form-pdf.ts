import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { formatDateTime } from '../../../schemas/dates.ts';
import type { FormLayout } from '../layout/form-document.ts';
import { A4, DEFAULT_STYLE, MARGINS, SHEET_STYLES } from './plan-pdf.ts';
import { sheetContent } from './sheet-content.ts';

/**
 * A form document's PDF: its one sheet printed by the plan PDF's sheet content (same labels, same values, same
 * tables), A4 portrait, with the plan's running header and « Page X / Y ». Pure: the date comes as an option.
 */

export function buildFormPdf(form: FormLayout, opts: { header: string; generatedAt: string }): TDocumentDefinitions {
  const sheet = form.layout.sheets[0]!;
  const footerLeft = `${form.layout.title} — généré le ${formatDateTime(opts.generatedAt)}`;
  return {
    info: { title: form.layout.title, subject: opts.header, creator: 'Cohésio', producer: 'Cohésio', creationDate: new Date(opts.generatedAt) },
    pageSize: 'A4',
    pageMargins: MARGINS,
    header: (_page, _count, size) => ({ text: opts.header, style: 'runningHeader', margin: [MARGINS[0], 18, MARGINS[2], 0], width: size.width }),
    footer: (page, count) => ({
      columns: [
        { text: footerLeft, style: 'footer' },
        { text: `Page ${page} / ${count}`, style: 'footer', alignment: 'right', width: 'auto' },
      ],
      margin: [MARGINS[0], 14, MARGINS[2], 0],
    }),
    content: sheetContent(sheet, {
      doc: form.view,
      pageWidth: A4.width - MARGINS[0] - MARGINS[2],
      pageHeight: A4.height - MARGINS[1] - MARGINS[3],
      figure: () => null,
      destinationOf: () => null,
      titleId: null,
    }),
    defaultStyle: DEFAULT_STYLE,
    styles: SHEET_STYLES,
  };
}
