/**
 * Dates as the forms print them (`JJ/MM/AAAA`) and as the plan stores them (ISO `AAAA-MM-JJ`), shared by the grid,
 * the workbook and its import.
 */

export type DateParse = { ok: true; value: string } | { ok: false; message: string };

/** ISO → `JJ/MM/AAAA`; anything else is returned as is. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** `J/M/AAAA`, `JJ-MM-AAAA`, `JJ.MM.AAAA` or ISO → ISO, checking the day exists. */
export function parseDate(text: string): DateParse {
  const t = text.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    if (!m) return { ok: false, message: `« ${t} » n'est pas une date (JJ/MM/AAAA)` };
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return { ok: false, message: `« ${t} » n'est pas une date existante` };
  }
  return { ok: true, value: `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** The wall-clock time in Brussels (summer time included) of an instant. */
export function brusselsTime(iso: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Brussels',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: n('year'), month: n('month'), day: n('day'), hour: n('hour'), minute: n('minute'), second: n('second') };
}

/** The date in Brussels (ISO `AAAA-MM-JJ`) of an instant: « today » for due dates and days counted. */
export function brusselsDate(iso: string): string {
  const { year, month, day } = brusselsTime(iso);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An instant as a Belgian reader expects it, in Brussels time: `JJ/MM/AAAA à HH:MM`. */
export function formatDateTime(iso: string): string {
  const t = brusselsTime(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(t.day)}/${two(t.month)}/${t.year} à ${two(t.hour)}:${two(t.minute)}`;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;

/** Calendar days from ISO date `from` to ISO date `to`: positive when `to` is later, negative when earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** The ISO date `days` calendar days after `iso` (before when negative). */
export function addDays(iso: string, days: number): string {
  return new Date((dayNumber(iso) + days) * DAY_MS).toISOString().slice(0, 10);
}
