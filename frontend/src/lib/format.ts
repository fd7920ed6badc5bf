/** Dates and numbers in the console's language. */
export function formatTime(iso: string | null | undefined, locale: string): string {
  return iso ? new Date(iso).toLocaleString(locale) : '—';
}

export function formatNumber(value: number, locale: string): string {
  return value.toLocaleString(locale);
}
